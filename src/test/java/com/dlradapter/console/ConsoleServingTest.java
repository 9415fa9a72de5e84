package com.dlradapter.console;

import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console is served by the adapter on the public port, from the jar, with its security headers
 * on every answer; {@code dlr.console.enabled=false} leaves {@code /console/} a 404.
 */
class ConsoleServingTest {

    @TempDir
    Path data;

    @Test
    void servesItsFilesWithTheSecurityHeaders() {
        try (RunningAdapter adapter = RunningAdapter.start(RunningAdapter.defaults(data))) {
            HttpResponse<String> bare = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url("/console"))).GET());
            assertThat(bare.statusCode()).isEqualTo(302);
            assertThat(bare.headers().firstValue("Location")).hasValue("/console/");

            HttpResponse<String> page = get(adapter, "/console/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<script src=\"console.js\" defer></script>");
            assertSecurityHeaders(page);

            Map<String, String> types = Map.of("/console/index.html", "text/html; charset=utf-8",
                    "/console/console.js", "text/javascript; charset=utf-8",
                    "/console/console.css", "text/css; charset=utf-8");
            types.forEach((path, type) -> {
                HttpResponse<String> file = get(adapter, path);
                assertThat(file.statusCode()).as(path).isEqualTo(200);
                assertThat(file.headers().firstValue("Content-Type")).as(path).hasValue(type);
                assertSecurityHeaders(file);
            });

            // nothing else of the jar, and no request header echoed back
            for (String path : new String[] {"/console/nope.js", "/console/application.properties",
                    "/console/db/migration/V1__receipts.sql", "/console/..%2Fapplication.properties", "/console/INDEX.HTML"}) {
                HttpResponse<String> missing = adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(path)))
                        .header("X-Echo", "no").GET());
                assertThat(missing.statusCode()).as(path).isEqualTo(404);
                assertThat(missing.headers().firstValue("X-Echo")).as(path).isEmpty();
                assertSecurityHeaders(missing);
            }
            // GET only (the server's own answer for another method on a prefix route is a 404)
            HttpResponse<String> post = adapter.post("/console/", "x");
            assertThat(post.statusCode()).isIn(404, 405);
            assertThat(post.body()).doesNotContain("<html");
        }
    }

    @Test
    void disabledTheConsoleIsNotFound() {
        var settings = new java.util.LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.console.enabled", "false");
        try (RunningAdapter adapter = RunningAdapter.start(settings)) {
            assertThat(get(adapter, "/console/").statusCode()).isEqualTo(404);
            assertThat(get(adapter, "/console/console.js").statusCode()).isEqualTo(404);
            HttpResponse<String> ready = adapter.send(HttpRequest.newBuilder(
                    URI.create(adapter.managementUrl("/observe/health/ready"))).GET());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        }
    }

    /** The CSP allows no inline script or style: the pages have none (all behaviour in console.js). */
    @Test
    void thePagesHoldNoInlineScriptOrStyle() throws Exception {
        String page = Files.readString(Path.of("src/main/resources/console/index.html"));
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(page).find()).as("inline <script>").isFalse();
        assertThat(Pattern.compile("\\sstyle\\s*=|<style", Pattern.CASE_INSENSITIVE).matcher(page).find()).as("inline style").isFalse();
        assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(page).find()).as("event attribute").isFalse();
        String script = Files.readString(Path.of("src/main/resources/console/console.js"));
        assertThat(script).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        assertThat(script).doesNotContain("localStorage", "document.cookie");
    }

    /** The route needs no token: names asked for that are no file must not pile up in memory. */
    @Test
    void keepsOnlyTheFilesItFound() {
        ConsoleAssets assets = new ConsoleAssets("console");
        assertThat(assets.read("index.html")).isPresent();
        for (int i = 0; i < 1000; i++) {
            assertThat(assets.read("missing-" + i + ".js")).isEmpty();
        }
        assertThat(assets.read("index.html")).isPresent();
        assertThat(assets.kept()).isEqualTo(1);
    }

    private static HttpResponse<String> get(RunningAdapter adapter, String path) {
        return adapter.send(HttpRequest.newBuilder(URI.create(adapter.url(path))).GET());
    }

    static void assertSecurityHeaders(HttpResponse<?> answer) {
        assertThat(answer.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'self'; frame-ancestors 'none'");
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(answer.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }
}
