package com.dlradapter.console;

import com.dlradapter.support.Browser;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.WebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's operations pages in a real headless Chromium against a running adapter: dead
 * letters (raw payloads with markup shown as text, replay one, replay all of a provider after a
 * confirmation, before and after the mapping fix) and deliveries (a local receiver answering 500:
 * a message's failed delivery retried from its page and shown delivered, the failed deliveries of a
 * target listed and retried all at once after a confirmation). Screenshots go to
 * target/console-screenshots/.
 * And the overview: the last hour's chart by provider and status, the providers, its refresh; the
 * API page from the OpenAPI document; the Providers page (webhook URL masked and copied whole, the
 * status table, the samples' check, the mapping file).
 */
class ConsoleOperationsBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCRIPT = ConsoleBrowserTest.SCRIPT;
    static final String HOSTILE = ConsoleBrowserTest.HOSTILE;

    @TempDir
    static Path data;
    @TempDir
    static Path mappings;
    static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("console-secret-0123456789".getBytes());
    static RunningAdapter adapter;
    static Browser browser;
    static WebhookReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        try (var files = Files.list(Path.of("mappings"))) {
            for (Path file : files.toList()) {
                Files.copy(file, mappings.resolve(file.getFileName()));
            }
        }
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.mappings.dir", mappings.toString());
        // an outbound target for DELIVERED receipts that fails them for good after a second
        receiver = WebhookReceiver.started(SECRET);
        receiver.answer(500);
        settings.put("dlr.routing.poll-interval", "100");
        settings.put("dlr.delivery.poll-interval", "100");
        settings.put("dlr.delivery.initial-delay", "200ms");
        settings.put("dlr.delivery.max-delay", "1s");
        settings.put("dlr.delivery.max-age", "1s");
        settings.put("dlr.outbound.targets", "erp");
        settings.put("dlr.outbound.erp.url", receiver.url("/erp"));
        settings.put("dlr.outbound.erp.secret", SECRET);
        settings.put("dlr.outbound.erp.statuses", "DELIVERED");
        settings.put("dlr.outbound.erp.providers", "zeckta");
        adapter = RunningAdapter.start(settings);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (adapter != null) {
                adapter.close();
            }
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    /** A Zeckta status its mapping does not know yet; the note carries markup. */
    static String enroute(String messageId) {
        return """
                {"eventId": "ev-%s", "eventType": "MESSAGE_ENROUTE", "timestamp": "2026-06-09T13:04:57Z",
                 "note": "%s",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "ENROUTE"}}"""
                .formatted(messageId, HOSTILE.replace("\"", "\\\""), messageId);
    }

    @Test
    void deadLettersAreShownAsTextAndReplayedOneAndAllAfterTheMappingFix() throws Exception {
        long first = deadLetter(adapter.webhook("zeckta"), enroute("dl-enroute-1"));
        deadLetter(adapter.webhook("zeckta"), enroute("dl-enroute-2"));
        deadLetter(adapter.webhook("routee"), "{\"nothing\": \"" + SCRIPT.replace("\"", "\\\"") + "\"}");

        ChromeDriver driver = loggedIn();
        driver.findElement(By.id("nav-dead-letters")).click();
        visible("dead-letters-page");
        waiter().until(d -> d.findElements(By.cssSelector("#dead-letter-rows tr.dead-letter")).size() == 3);
        WebElement oldest = row(first);
        assertThat(oldest.findElement(By.cssSelector("td.provider")).getText()).isEqualTo("zeckta");
        assertThat(oldest.findElement(By.cssSelector("td.reason")).getText()).contains("ENROUTE");
        assertThat(oldest.findElement(By.cssSelector("pre.raw")).getText())
                .contains("\"uuid\": \"dl-enroute-1\"", "\"note\": \"" + HOSTILE.replace("\"", "\\\"") + "\"");
        assertThat(driver.findElement(By.id("dl-replay-all")).isEnabled()).as("replay-all needs a provider").isFalse();
        browser.screenshot("dead-letters");
        assertNothingRan(driver);

        // replay one before the fix: still unmappable, with the mapping's reason
        oldest.findElement(By.cssSelector("button.replay")).click();
        waiter().until(d -> row(first).findElement(By.cssSelector(".replay-result")).getText().contains("still-unmappable"));
        assertThat(replays()).isEqualTo(1);

        // replay all of zeckta: asked, cancelled (nothing replayed), asked again and confirmed
        showProvider("zeckta", 2);
        driver.findElement(By.id("dl-replay-all")).click();
        assertThat(visible("dl-confirm-text").getText()).contains("\"zeckta\"");
        browser.screenshot("dead-letters-confirm");
        driver.findElement(By.id("dl-confirm-no")).click();
        waiter().until(ExpectedConditions.invisibilityOfElementLocated(By.id("dl-confirm")));
        assertThat(replays()).as("a cancelled replay-all replays nothing").isEqualTo(1);
        driver.findElement(By.id("dl-replay-all")).click();
        visible("dl-confirm-yes").click();
        waiter().until(d -> d.findElement(By.id("dl-result")).getText()
                .equals("Replayed 2 dead letters of zeckta: stored 0, duplicate 0, still-unmappable 2."));
        assertThat(replays()).isEqualTo(3);

        // the mapping fix: ENROUTE is SENT; after the restart the console's session goes on
        Path zeckta = mappings.resolve("zeckta.yaml");
        Files.writeString(zeckta, Files.readString(zeckta).replace("  SENT: SENT\n", "  SENT: SENT\n  ENROUTE: SENT\n"));
        adapter.restart();
        driver.navigate().refresh();
        visible("dead-letters-page");
        showProvider("zeckta", 2);
        row(first).findElement(By.cssSelector("button.replay")).click();
        waiter().until(d -> row(first).findElement(By.cssSelector(".replay-result")).getText().equals("stored"));
        driver.findElement(By.id("dl-replay-all")).click();
        visible("dl-confirm-yes").click();
        waiter().until(d -> d.findElement(By.id("dl-result")).getText()
                .equals("Replayed 2 dead letters of zeckta: stored 1, duplicate 1, still-unmappable 0."));
        browser.screenshot("dead-letters-replayed");
        assertThat(adapter.get("/api/messages/zeckta/dl-enroute-2").statusCode()).isEqualTo(200);
        assertNothingRan(driver);
    }

    static String delivered(String messageId) {
        return """
                {"eventId": "ev-%s", "eventType": "MESSAGE_DELIVERED", "timestamp": "2026-06-09T13:04:57Z",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "DELIVERED"}}"""
                .formatted(messageId, messageId);
    }

    @Test
    void failedDeliveriesAreRetriedFromAMessageAndAllOfATarget() throws Exception {
        receiver.answer(500);
        for (String messageId : List.of("dv-1", "dv-2", "dv-3")) {
            assertThat(adapter.post(adapter.webhook("zeckta"), delivered(messageId)).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> failedToErp() == 3);

        // a message's page: its event's delivery, failed with the receiver's 500, retried and delivered
        ChromeDriver driver = loggedIn();
        driver.get(adapter.url("/console/#/message/zeckta/dv-3"));
        WebElement delivery = waitFor(By.cssSelector("#m-delivery-rows tr.delivery"));
        assertThat(delivery.findElement(By.cssSelector("td.target")).getText()).isEqualTo("erp");
        assertThat(delivery.findElement(By.cssSelector("td.status")).getText()).isEqualTo("failed");
        assertThat(delivery.findElement(By.cssSelector("td.last-answer")).getText()).startsWith("500");
        assertThat(delivery.findElement(By.cssSelector("td.event")).getText()).startsWith("DELIVERED (DELIVERED)");
        assertThat(Integer.parseInt(delivery.findElement(By.cssSelector("td.attempts")).getText())).isPositive();
        browser.screenshot("message-delivery-failed");
        receiver.answer(200);
        delivery.findElement(By.cssSelector("button.retry")).click();
        waiter().until(d -> d.findElement(By.cssSelector("#m-delivery-rows .retry-result")).getText().equals("due now"));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCounts().size() == 1);
        waiter().until(d -> {
            d.navigate().refresh();
            return waitFor(By.cssSelector("#m-delivery-rows td.status")).getText().equals("delivered");
        });
        assertThat(driver.findElements(By.cssSelector("#m-delivery-rows button.retry"))).isEmpty();
        browser.screenshot("message-delivery-delivered");

        // the Deliveries page: erp's two failed deliveries, retry all asked, cancelled, confirmed
        driver.findElement(By.id("nav-deliveries")).click();
        visible("deliveries-page");
        waitFor(By.cssSelector("#target-rows tr.target[data-target='erp']"));
        waiter().until(d -> d.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] td.failed"))
                .getText().equals("2"));
        driver.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] button.show-failed")).click();
        waiter().until(d -> d.findElements(By.cssSelector("#delivery-rows tr.delivery")).size() == 2);
        assertThat(driver.findElements(By.cssSelector("#delivery-rows td.last-answer")))
                .allSatisfy(answer -> assertThat(answer.getText()).startsWith("500"));
        assertThat(visible("dv-title").getText()).isEqualTo("Failed deliveries to webhook target erp");
        browser.screenshot("deliveries");
        driver.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] button.retry-all")).click();
        assertThat(visible("dv-confirm-text").getText()).contains("2 failed deliveries", "\"erp\"");
        driver.findElement(By.id("dv-confirm-no")).click();
        waiter().until(ExpectedConditions.invisibilityOfElementLocated(By.id("dv-confirm")));
        assertThat(failedToErp()).as("a cancelled retry-all retries nothing").isEqualTo(2);
        driver.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] button.retry-all")).click();
        visible("dv-confirm-yes").click();
        waiter().until(d -> d.findElement(By.id("dv-result")).getText().equals("Made 2 failed deliveries to erp due again."));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCounts().size() == 3);
        waiter().until(d -> {
            d.findElement(By.id("dv-refresh")).click();
            return d.findElement(By.id("targets-empty")).isDisplayed();
        });
        browser.screenshot("deliveries-retried");
        assertNothingRan(driver);
    }

    static String routee(String messageId) {
        return """
                {"messageId": "%s", "smsId": "sms-%s", "part": 1, "parts": 1, "to": "+306948530920",
                 "from": "Routee", "status": {"name": "Delivered", "updatedDate": "2026-06-09T13:04:57Z"}}"""
                .formatted(messageId, messageId);
    }

    @Test
    void theOverviewChartsTheLastHourAndRefreshesItself() throws Exception {
        for (String messageId : List.of("ov-1", "ov-2")) {
            assertThat(adapter.post(adapter.webhook("routee"), routee(messageId)).statusCode()).isEqualTo(200);
        }
        ChromeDriver driver = loggedIn();
        driver.findElement(By.id("nav-overview")).click();
        visible("overview-page");
        WebElement routeeLine = waitFor(By.cssSelector("#ov-chart-provider polyline.series[data-series='routee']"));
        assertThat(routeeLine.getAttribute("points").split(" ")).hasSize(60);
        assertThat(driver.findElements(By.cssSelector("#ov-chart-status polyline.series[data-series='DELIVERED']"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#ov-chart-provider .series-name"))).extracting(WebElement::getText)
                .anyMatch(name -> name.matches("routee \\(\\d+\\)"));
        WebElement routee = waitFor(By.cssSelector("#ov-provider-rows tr.provider[data-provider='routee']"));
        assertThat(routee.findElement(By.cssSelector("td.last-receipt")).getText()).endsWith("UTC");
        assertThat(routee.findElement(By.cssSelector("td.polling")).getText()).isEqualTo("off");
        WebElement cecula = driver.findElement(By.cssSelector("#ov-provider-rows tr.provider[data-provider='cecula']"));
        assertThat(cecula.findElement(By.cssSelector("td.last-receipt")).getText()).isEqualTo("none");
        long shown = Long.parseLong(visible("ov-receipts").getText());
        assertThat(shown).isGreaterThanOrEqualTo(2);
        browser.screenshot("overview");

        // a new receipt shows without a reload (the page refreshes every 15 s)
        assertThat(adapter.post(adapter.webhook("routee"), routee("ov-3")).statusCode()).isEqualTo(200);
        new WebDriverWait(driver, Duration.ofSeconds(40)).ignoring(StaleElementReferenceException.class)
                .until(d -> Long.parseLong(d.findElement(By.id("ov-receipts")).getText()) > shown);
        assertNothingRan(driver);
    }

    @Test
    void theApiPageListsTheOperationsOfTheOpenApiDocument() {
        ChromeDriver driver = loggedIn();
        driver.findElement(By.id("nav-api")).click();
        visible("api-page");
        WebElement replayAll = waitFor(By.cssSelector("details.operation[data-operation='POST /api/dead-letters/replay']"));
        assertThat(replayAll.findElement(By.cssSelector(".op-summary")).getText()).isEqualTo("Replay all dead letters of a provider");
        replayAll.findElement(By.tagName("summary")).click();
        assertThat(replayAll.findElements(By.cssSelector("table.parameters td.mono"))).extracting(WebElement::getText)
                .containsExactly("provider", "after", "through");
        assertThat(driver.findElements(By.cssSelector("details.operation[data-operation='POST /webhooks/{provider}']"))).hasSize(1);
        browser.screenshot("api");
        assertNothingRan(driver);
    }

    @Test
    void theProvidersPageGivesEachWebhookUrlMaskedAndCopiesItWhole() throws Exception {
        ChromeDriver driver = loggedIn();
        driver.findElement(By.id("nav-providers")).click();
        visible("providers-page");
        WebElement zeckta = waitFor(By.cssSelector("section.provider[data-provider='zeckta']"));
        assertThat(driver.findElements(By.cssSelector("section.provider"))).extracting(e -> e.getAttribute("data-provider"))
                .containsExactlyElementsOf(new java.util.TreeSet<>(RunningAdapter.PROVIDERS));
        JsonNode expected = JSON.readTree(adapter.get("/api/providers/zeckta").body());
        String url = adapter.url("/webhooks/zeckta/test-zeckta-token");

        // the token is masked and nowhere in the page
        assertThat(zeckta.findElement(By.cssSelector("code.webhook-url")).getText())
                .isEqualTo(adapter.url("/webhooks/zeckta/") + "\u2022".repeat(8));
        assertThat(driver.getPageSource()).doesNotContain("test-zeckta-token");
        // the statuses as loaded, the samples as checked, the polling state, the mapping file as text
        List<WebElement> statuses = zeckta.findElements(By.cssSelector("table.statuses tbody tr"));
        assertThat(statuses).hasSize(expected.get("statuses").size());
        assertThat(statuses).extracting(WebElement::getText).contains("UNDELIVERABLE UNDELIVERED");
        List<WebElement> samples = zeckta.findElements(By.cssSelector("table.samples tbody tr"));
        assertThat(samples).hasSize(expected.get("samples").size())
                .allSatisfy(row -> assertThat(row.findElement(By.cssSelector("td.passed")).getText()).isEqualTo("passed"));
        assertThat(zeckta.findElement(By.tagName("h4")).getText()).isEqualTo("Statuses");
        assertThat(zeckta.getText()).contains("Samples: " + samples.size() + " of " + samples.size() + " pass")
                .contains("Polling\noff");
        zeckta.findElement(By.cssSelector("details.mapping-file summary")).click();
        assertThat(zeckta.findElement(By.cssSelector("details.mapping-file pre")).getAttribute("textContent"))
                .isEqualTo(expected.get("mapping").asText());

        // Copy puts the whole URL, token included, on the clipboard
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", adapter.url(""),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        zeckta.findElement(By.cssSelector("button.copy-url")).click();
        waiter().until(d -> zeckta.findElement(By.cssSelector(".copy-status")).getText().equals("Copied."));
        Object copied = driver.executeAsyncScript("navigator.clipboard.readText().then(arguments[0], e => arguments[0]('failed: ' + e))");
        assertThat(copied).isEqualTo(url);
        browser.screenshot("providers");
        // the copied URL is one the adapter takes
        assertThat(adapter.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(com.dlradapter.support.Payloads.zeckta(
                        "ev-copied", "MESSAGE_DELIVERED", "DELIVERED", "zs-copied")))).statusCode()).isEqualTo(200);
        assertNothingRan(driver);
    }

    private static int failedToErp() throws Exception {
        return JSON.readTree(adapter.get("/api/deliveries?status=failed&target=erp").body()).get("deliveries").size();
    }

    private static WebElement waitFor(By selector) {
        return waiter().until(ExpectedConditions.visibilityOfElementLocated(selector));
    }

    private static long deadLetter(String webhook, String body) throws Exception {
        var answer = adapter.post(webhook, body);
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.get("result").asText()).as(answer.body()).isEqualTo("dead-lettered");
        return json.get("deadLetterId").asLong();
    }

    private static void showProvider(String provider, int rows) {
        WebElement field = browser.driver().findElement(By.id("dl-provider"));
        field.clear();
        field.sendKeys(provider);
        browser.driver().findElement(By.id("dl-show")).click();
        waiter().until(d -> {
            List<WebElement> shown = d.findElements(By.cssSelector("#dead-letter-rows tr.dead-letter"));
            return shown.size() == rows
                    && shown.stream().allMatch(r -> r.findElement(By.cssSelector("td.provider")).getText().equals(provider))
                    && d.findElement(By.id("dl-replay-all")).isEnabled();
        });
    }

    private static WebElement row(long deadLetterId) {
        return browser.driver().findElement(By.cssSelector("#dead-letter-rows tr[data-id='" + deadLetterId + "']"));
    }

    private static long replays() throws Exception {
        DataSource dataSource = adapter.bean("dataSource", DataSource.class);
        try (Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery("SELECT COUNT(*) FROM dead_letter_replay")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** The console, logged in with the token kept in this tab's session. */
    static ChromeDriver loggedIn() {
        ChromeDriver driver = browser.driver();
        driver.get(adapter.url("/console/"));
        driver.executeScript("sessionStorage.setItem('dlr.console.token', 'test-api-token')");
        driver.navigate().refresh();
        visible("messages-page");
        return driver;
    }

    /** Neither the script nor the image's handler ran, no image was made, and the page logged no error. */
    private static void assertNothingRan(ChromeDriver driver) {
        assertThat(driver.executeScript("return window.__xss")).isNull();
        assertThat(driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("main script"))).isEmpty();
        List<LogEntry> errors = browser.consoleLog().getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .toList();
        assertThat(errors).as("the browser's console").isEmpty();
    }

    static WebElement visible(String id) {
        return waiter().until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    /** Waits up to 20 s (a noisy machine), looking again when the page re-rendered what it looked at. */
    static WebDriverWait waiter() {
        WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }
}
