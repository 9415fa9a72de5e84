package com.dlradapter.security;

import com.dlradapter.http.Secrets;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * A Log4j rewrite policy (log4j2.properties: the {@code masked} appender every logger writes
 * through) that masks the password of any URL's user-info in every log line, whoever logs it:
 * an outbound target URL such as {@code https://erp:secret@erp.example/hook} given in the
 * environment shows up in Camel's settings summary at start, in exception messages, and so on.
 * Lines without {@code ://} pass unchanged, at the cost of one search.
 */
@Plugin(name = "MaskUserInfo", category = Core.CATEGORY_NAME, elementType = "rewritePolicy", printObject = true)
public final class UserInfoMasking implements RewritePolicy {

    @PluginFactory
    public static UserInfoMasking create() {
        return new UserInfoMasking();
    }

    @Override
    public LogEvent rewrite(LogEvent event) {
        String text = event.getMessage() == null ? null : event.getMessage().getFormattedMessage();
        String masked = Secrets.maskUserInfo(text);
        if (masked == text) {
            return event;
        }
        return new Log4jLogEvent.Builder(event).setMessage(new SimpleMessage(masked)).build();
    }
}
