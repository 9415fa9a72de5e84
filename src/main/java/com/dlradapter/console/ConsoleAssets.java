package com.dlradapter.console;

import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator console's files ({@code console/} in the jar), served under {@code /console/} by
 * the route of routes/console.yaml. Only a flat file name with a known extension is looked up, so
 * no request reaches another resource of the jar. Every answer, a 404 too, carries the console's
 * security headers: its pages may load scripts and styles from the adapter only (no inline script,
 * no framing), types are not sniffed, and no page sends a Referer.
 */
public class ConsoleAssets {

    static final String PREFIX = "/console";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'";
    private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg|png)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    private final String root;
    /** The files found, by name; a name not found is not kept (anyone may ask for any name). */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /** @param root the class-path folder of the console's files, e.g. {@code console} */
    public ConsoleAssets(String root) {
        this.root = root;
    }

    public void serve(Exchange exchange) {
        Message message = exchange.getMessage();
        String path = message instanceof HttpMessage http ? requestPath(http.getRequest()) : null;
        // no request header is echoed into the answer
        message.getHeaders().clear();
        message.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        if (PREFIX.equals(path)) {
            // relative links in the page resolve against /console/
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
            message.setHeader("Location", PREFIX + "/");
            message.setBody("");
            return;
        }
        String name = path != null && path.startsWith(PREFIX + "/") ? path.substring(PREFIX.length() + 1) : null;
        if (name != null && name.isEmpty()) {
            name = "index.html";
        }
        Matcher file = name == null ? null : FILE.matcher(name);
        Optional<byte[]> content = file != null && file.matches() ? read(name) : Optional.empty();
        if (content.isEmpty()) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody("{\"error\":\"not-found\",\"message\":\"no such path\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, TYPES.get(file.group(1)));
        message.setBody(content.get());
    }

    private static String requestPath(HttpServerRequest request) {
        return request == null ? null : request.path();
    }

    /**
     * A file's bytes, read once: the jar does not change while the adapter runs. A miss is not
     * remembered: the route needs no token, so remembering every name asked for would let anyone
     * grow this map without bound.
     */
    Optional<byte[]> read(String name) {
        return Optional.ofNullable(files.computeIfAbsent(name, key -> {
            try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(root + "/" + key)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the console's " + key, e);
            }
        }));
    }

    /** How many files are kept in memory. */
    int kept() {
        return files.size();
    }
}
