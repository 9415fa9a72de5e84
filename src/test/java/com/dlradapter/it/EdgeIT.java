package com.dlradapter.it;

import com.dlradapter.support.AdapterProcess;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.RawHttp;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The public port of the packaged jar as an attacker and a local user meet it: malformed HTTP does
 * not flood the log, a pre-created {@code ${java.io.tmpdir}/camel} does not break form webhooks,
 * and an outbound target's user-info password appears in no log line.
 */
class EdgeIT {

    @TempDir
    Path data;
    @TempDir
    Path tmp;

    @Test
    void malformedRequestsATakenTempFolderAndUserInfoPasswords() throws Exception {
        // Another local user got to ${java.io.tmpdir}/camel first (a plain file here, which stops
        // even root from creating the folder Camel's body handler wanted for every form request).
        Files.writeString(tmp.resolve("camel"), "not yours");
        Map<String, String> env = AdapterProcess.defaults(data);
        env.put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
        env.put("DLR_OUTBOUND_TARGETS", "erp");
        env.put("DLR_OUTBOUND_ERP_URL", "http://alice:s3cretpw@127.0.0.1:9/hook?k=1");
        env.put("DLR_OUTBOUND_ERP_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        try (AdapterProcess adapter = AdapterProcess.start(env, data.resolve("adapter.log"))) {
            int port = Integer.parseInt(adapter.env("DLR_HTTP_PORT"));
            // Each finding is checked on its own, so that one failing does not hide the others.
            SoftAssertions findings = new SoftAssertions();

            // Form webhooks work (they answered 500), and a multipart body is no file upload.
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(adapter.url(adapter.webhook("acme"))))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("MessageSid=edge-form-1&MessageStatus=sent")).build(),
                    HttpResponse.BodyHandlers.ofString());
            findings.assertThat(form.statusCode()).as("form webhook: " + form.body()).isEqualTo(200);
            String multipart = "--b\r\nContent-Disposition: form-data; name=\"MessageSid\"\r\n\r\nedge-form-2\r\n"
                    + "--b\r\nContent-Disposition: form-data; name=\"MessageStatus\"\r\n\r\nsent\r\n"
                    + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                    + "a file nobody asked for\r\n--b--\r\n";
            HttpResponse<String> parts = http.send(HttpRequest.newBuilder(URI.create(adapter.url(adapter.webhook("acme"))))
                    .header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(HttpRequest.BodyPublishers.ofString(multipart)).build(), HttpResponse.BodyHandlers.ofString());
            findings.assertThat(parts.statusCode()).as("multipart webhook: " + parts.body()).isLessThan(500);
            findings.assertThat(tmp.resolve("camel")).as("left as it was").isRegularFile();

            // A receipt routed to the target, so delivery attempts (to a closed port) are logged too.
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("edge-1", "MESSAGE_DELIVERED", "DELIVERED", "edge-msg"))
                    .statusCode()).isEqualTo(200);

            // 500 requests with a malformed chunk size, and 500 with both Content-Length and
            // Transfer-Encoding (they logged two ERROR stack traces each).
            long logBefore = adapter.log().lines().count();
            String badChunk = RawHttp.post(adapter.webhook("zeckta"), "Transfer-Encoding: chunked\r\n", "ZZZ\r\nabc\r\n0\r\n\r\n");
            String clte = RawHttp.post(adapter.webhook("zeckta"), "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                    RawHttp.chunked("{}"));
            int badChunkOpen = 0;
            int clteNot400 = 0;
            // (each connection that stays open costs the 2 s wait for its close: stop counting at 10)
            for (int i = 0; i < 500 && badChunkOpen + clteNot400 < 10; i++) {
                if (!RawHttp.exchange(port, badChunk.getBytes(StandardCharsets.ISO_8859_1), 2000).closed()) {
                    badChunkOpen++;
                }
                RawHttp.Answer refused = RawHttp.exchange(port, clte, 2000);
                if (refused.status() != 400 || !refused.closed()) {
                    clteNot400++;
                }
            }
            findings.assertThat(badChunkOpen).as("malformed chunks whose connection stayed open").isZero();
            findings.assertThat(clteNot400).as("Content-Length + Transfer-Encoding not answered 400 and closed").isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> adapter.log().contains("Delivery"));
            String log = adapter.log();
            // what the malformed requests added (the delivery attempts to the closed port log too)
            String added = String.join("\n", log.lines().skip(logBefore).filter(line -> !line.contains(" Deliveries - ")).toList());
            findings.assertThat(added.lines().count()).as("log lines for 1,000 malformed requests").isLessThanOrEqualTo(4);
            findings.assertThat(added).as("no stack trace, no ERROR").doesNotContain("\tat ").doesNotContain("ERROR");
            findings.assertThat(added).contains("Refused a request with ambiguous framing");

            // The delivery attempts to the target failed and were logged (HttpClient 5 refuses a URI
            // with user-info and quotes its authority); no line, and no exception text, holds the
            // password. (No line quotes the URL itself since Camel's settings summary is off; the
            // masked forms are UserInfoMaskingTest's.)
            findings.assertThat(log).as("the password of the target URL is in no log line").doesNotContain("s3cretpw")
                    .contains(" Deliveries - Delivery ");
            findings.assertAll();
        }
    }
}
