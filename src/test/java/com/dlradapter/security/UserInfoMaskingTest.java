package com.dlradapter.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.JsonLayout;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log masking of log4j2.properties: passwords in a URL's user-info are masked in the message
 * and in an attached exception (its message, causes and suppressed ones), in the text and the
 * JSON format alike; other exceptions are left as they are.
 */
class UserInfoMaskingTest {

    private static final PatternLayout TEXT = PatternLayout.newBuilder()
            .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n").build();
    private static final JsonLayout JSON = JsonLayout.newBuilder().setCompact(true).setEventEol(true)
            .setProperties(false).setIncludeTimeMillis(false).build();

    private static LogEvent event(String message, Throwable thrown) {
        return Log4jLogEvent.newBuilder().setLoggerName("com.dlradapter.routing.Deliveries").setLevel(Level.WARN)
                .setMessage(new SimpleMessage(message)).setThrown(thrown).build();
    }

    private static Throwable failure() {
        IllegalStateException failure = new IllegalStateException("delivery to https://erp:s3cret@erp.example/hook failed",
                new IOException("Request URI authority contains deprecated userinfo component: alice:s3cretpw@127.0.0.1:9"));
        failure.addSuppressed(new IOException("also tried ftp://bob:hunter2@backup.example/"));
        return failure;
    }

    @Test
    void anExceptionsTextIsMaskedInTheTextFormat() {
        LogEvent masked = new UserInfoMasking().rewrite(event("Delivery failed", failure()));
        String line = TEXT.toSerializable(masked);
        assertThat(line).doesNotContain("s3cret").doesNotContain("s3cretpw").doesNotContain("hunter2")
                .contains("Delivery failed")
                .contains("java.lang.IllegalStateException: delivery to https://erp:****@erp.example/hook failed")
                .contains("Caused by: java.io.IOException: Request URI authority contains deprecated userinfo component: "
                        + "alice:****@127.0.0.1:9")
                .contains("Suppressed: java.io.IOException: also tried ftp://bob:****@backup.example/")
                .contains("\tat com.dlradapter.security.UserInfoMaskingTest.failure(");
    }

    @Test
    void anExceptionsTextIsMaskedInTheJsonFormat() throws Exception {
        LogEvent masked = new UserInfoMasking().rewrite(event("Delivery to https://erp:s3cret@erp.example failed", failure()));
        String line = JSON.toSerializable(masked);
        assertThat(line).doesNotContain("s3cret").doesNotContain("hunter2").endsWith("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("message").asText()).startsWith("Delivery to https://erp:****@erp.example failed")
                .contains("alice:****@127.0.0.1:9").contains("Caused by: java.io.IOException");
    }

    @Test
    void anExceptionWithoutAPasswordIsKeptAsItIs() {
        IllegalStateException plain = new IllegalStateException("no route to host erp.example:8443");
        LogEvent event = event("Delivery failed", plain);
        assertThat(new UserInfoMasking().rewrite(event)).isSameAs(event);
        LogEvent urlInMessage = new UserInfoMasking().rewrite(event("to https://erp:s3cret@erp.example", plain));
        assertThat(urlInMessage.getThrown()).isSameAs(plain);
        assertThat(urlInMessage.getMessage().getFormattedMessage()).isEqualTo("to https://erp:****@erp.example");
        assertThat(JSON.toSerializable(urlInMessage)).contains("\"thrown\"").contains("no route to host erp.example:8443");
    }
}
