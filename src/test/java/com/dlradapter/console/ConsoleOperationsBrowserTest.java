package com.dlradapter.console;

import com.dlradapter.support.Browser;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
import com.dlradapter.support.ShippedFiles;
import com.dlradapter.support.Sql;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real headless Chromium against one running adapter. {@link #theWholeStory}
 * walks the story in order: a wrong token refused, the log-in, receipts posted, a message
 * found by id and by recipient, its timeline and raw payloads, receipts carrying markup shown as
 * text with nothing run; dead letters (markup as text) replayed one and all of a provider after a
 * confirmation, before and after the mapping fix; a local receiver answering 500: a message's failed
 * delivery retried from its page and shown delivered, the failed deliveries of its target retried
 * all at once after a confirmation; the Providers page (webhook URL masked and copied whole, status
 * table, samples' check, mapping file). Besides it: the overview (the last hour's charts by provider
 * and status, the providers, its refresh) and the API page from the OpenAPI document. Screenshots of
 * each page go to target/console-screenshots/.
 */
class ConsoleOperationsBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Markup a hostile provider (or anyone who knows a webhook token) could put in a receipt. */
    static final String SCRIPT = "<script>window.__xss='script'</script>";
    static final String IMG = "\"><img src=x onerror=\"window.__xss='img'\">";
    static final String HOSTILE = SCRIPT + IMG;
    /** A form body as a provider sends it, the markup literal in its bytes. */
    static final String HOSTILE_FORM = "MessageSid=SMhostile1&MessageStatus=undelivered&ErrorCode=30003&ErrorMessage="
            + HOSTILE + "&To=%2B15551234567&From=" + SCRIPT;

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
        ShippedFiles.copyMappings(mappings);
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.mappings.dir", mappings.toString());
        // an outbound target for DELIVERED receipts that fails them for good after a second
        receiver = WebhookReceiver.started(SECRET);
        receiver.answer(500);
        RunningAdapter.fastDelivery(settings);
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

    /**
     * The whole story of the issue, in order, on one running adapter and one browser: a wrong token
     * refused, then the log-in; receipts posted; a message found by id and by recipient, its
     * timeline and raw payloads; payloads carrying {@code <script>} shown as text; a dead letter
     * replayed after its mapping is fixed; a failed delivery (the receiver answering 500) retried and
     * shown delivered; the Providers page. A screenshot of each page.
     */
    @Test
    void theWholeStory() throws Exception {
        anOperatorLogsInFindsAMessageAndReadsItsTimeline();
        deadLettersAreReplayedAfterTheMappingFix();
        failedDeliveriesAreRetriedFromAMessageAndAllOfATarget();
        theProvidersPageGivesEachWebhookUrlMaskedAndCopiesItWhole();
    }

    /** Log in (a wrong token refused first), receipts posted, a message by id and by recipient, its timeline, markup as text. */
    private static void anOperatorLogsInFindsAMessageAndReadsItsTimeline() {
        postReceipts();
        ChromeDriver driver = browser.driver();
        driver.get(adapter.url("/console/"));
        driver.executeScript("sessionStorage.clear()");   // whatever an earlier test left: not logged in
        driver.navigate().refresh();
        browser.visible("login-page");
        browser.screenshot("login");

        // a wrong token is refused, and kept nowhere
        logIn("not-the-token");
        WebElement refused = browser.visible("login-error");
        assertThat(refused.getText()).isEqualTo("The adapter refused this token.");
        assertThat(browser.consoleToken()).isNull();

        logIn("test-api-token");
        browser.visible("messages-page");
        browser.waitFor(By.cssSelector("#messages-rows tr.message"));
        browser.screenshot("messages");
        assertThat(browser.consoleToken()).isEqualTo("test-api-token");
        assertThat(driver.executeScript("return localStorage.length")).isEqualTo(0L);
        assertThat(driver.executeScript("return document.cookie")).isEqualTo("");
        assertThat(driver.getCurrentUrl()).doesNotContain("test-api-token");

        // by message id
        browser.search("f-messageId", "zk-story-1");
        List<WebElement> rows = rowsOf("zk-story-1");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).findElement(By.cssSelector("td.recipient")).getText()).isEqualTo("*********7745");
        assertThat(rows.get(0).findElement(By.cssSelector("td.status")).getText()).isEqualTo("DELIVERED");
        rows.get(0).findElement(By.cssSelector("td.message-id a")).click();
        browser.visible("message-page");
        browser.waitFor(By.cssSelector("#timeline-rows tr.event"));
        assertThat(fact("Status")).isEqualTo("DELIVERED");
        assertThat(fact("Recipient")).isEqualTo("+233202007745");   // whole on the detail page
        List<WebElement> events = driver.findElements(By.cssSelector("#timeline-rows tr.event"));
        assertThat(events).hasSize(2);
        assertThat(events).extracting(event -> event.findElement(By.cssSelector("td.provider-status")).getText())
                .containsExactly("SENT", "DELIVERED");
        WebElement firstRaw = showRaw(events.get(0));
        assertThat(firstRaw.getText()).contains("\"uuid\": \"zk-story-1\"", "\"status\": \"SENT\"");
        browser.screenshot("message");

        // by recipient: the two hostile receipts, their fields and raw payloads shown as text
        driver.findElement(By.id("back-to-messages")).click();
        browser.visible("messages-page");
        browser.clear("f-messageId");
        browser.search("f-recipient", "+15551234567");
        browser.waiter().until(d -> d.findElements(By.cssSelector("#messages-rows tr.message")).size() == 2);
        assertThat(driver.findElements(By.cssSelector("#messages-rows td.message-id"))).extracting(WebElement::getText)
                .containsExactlyInAnyOrder("SMhostile1", "zk-hostile-1");
        assertThat(driver.findElements(By.cssSelector("#messages-rows td.recipient"))).extracting(WebElement::getText)
                .containsOnly("********4567");
        rowsOf("SMhostile1", 2).get(0).findElement(By.cssSelector("td.message-id a")).click();
        browser.visible("message-page");
        WebElement event = browser.waitFor(By.cssSelector("#timeline-rows tr.event"));
        assertThat(event.findElement(By.cssSelector("td.reason")).getText()).isEqualTo("30003: " + HOSTILE);
        assertThat(fact("Sender")).isEqualTo(SCRIPT);
        // a form body is kept exactly as it was sent (the token left out): the markup shows as literal text
        assertThat(showRaw(event).getText()).isEqualTo(HOSTILE_FORM);
        browser.screenshot("hostile-form-receipt");
        assertNothingRan(driver);

        driver.navigate().back();
        browser.visible("messages-page");
        rowsOf("zk-hostile-1", 2).get(0).findElement(By.cssSelector("td.message-id a")).click();
        browser.visible("message-page");
        event = browser.waitFor(By.cssSelector("#timeline-rows tr.event"));
        assertThat(fact("Sender")).isEqualTo(SCRIPT);
        WebElement raw = showRaw(event);
        assertThat(raw.getText()).contains("\"src\": \"" + SCRIPT + "\"", "\"note\": \"" + HOSTILE.replace("\"", "\\\"") + "\"");
        browser.screenshot("hostile-json-receipt");
        assertNothingRan(driver);
    }

    /** A Zeckta status its mapping does not know yet; the note carries markup. */
    static String enroute(String messageId) {
        return """
                {"eventId": "ev-%s", "eventType": "MESSAGE_ENROUTE", "timestamp": "2026-06-09T13:04:57Z",
                 "note": "%s",
                 "message": {"uuid": "%s", "src": "ZECKTA", "dest": "+233202007745", "status": "ENROUTE"}}"""
                .formatted(messageId, HOSTILE.replace("\"", "\\\""), messageId);
    }

    /** A dead letter shown as text, replayed (one, then all of its provider) before and after its mapping is fixed. */
    private static void deadLettersAreReplayedAfterTheMappingFix() throws Exception {
        long first = deadLetter(adapter.webhook("zeckta"), enroute("dl-enroute-1"));
        deadLetter(adapter.webhook("zeckta"), enroute("dl-enroute-2"));
        deadLetter(adapter.webhook("routee"), "{\"nothing\": \"" + SCRIPT.replace("\"", "\\\"") + "\"}");

        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);
        driver.findElement(By.id("nav-dead-letters")).click();
        browser.visible("dead-letters-page");
        browser.waiter().until(d -> d.findElements(By.cssSelector("#dead-letter-rows tr.dead-letter")).size() == 3);
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
        browser.waiter().until(d -> row(first).findElement(By.cssSelector(".replay-result")).getText().contains("still-unmappable"));
        assertThat(replays()).isEqualTo(1);

        // replay all of zeckta: asked, cancelled (nothing replayed), asked again and confirmed
        showProvider("zeckta", 2);
        driver.findElement(By.id("dl-replay-all")).click();
        assertThat(browser.visible("dl-confirm-text").getText()).contains("\"zeckta\"");
        browser.screenshot("dead-letters-confirm");
        driver.findElement(By.id("dl-confirm-no")).click();
        browser.waiter().until(ExpectedConditions.invisibilityOfElementLocated(By.id("dl-confirm")));
        assertThat(replays()).as("a cancelled replay-all replays nothing").isEqualTo(1);
        driver.findElement(By.id("dl-replay-all")).click();
        browser.visible("dl-confirm-yes").click();
        browser.waiter().until(d -> d.findElement(By.id("dl-result")).getText()
                .equals("Replayed 2 dead letters of zeckta: stored 0, duplicate 0, still-unmappable 2."));
        assertThat(replays()).isEqualTo(3);

        // the mapping fix: ENROUTE is SENT; after the restart the console's session goes on
        Path zeckta = mappings.resolve("zeckta.yaml");
        Files.writeString(zeckta, Files.readString(zeckta).replace("  SENT: SENT\n", "  SENT: SENT\n  ENROUTE: SENT\n"));
        adapter.restart();
        driver.navigate().refresh();
        browser.visible("dead-letters-page");
        showProvider("zeckta", 2);
        row(first).findElement(By.cssSelector("button.replay")).click();
        browser.waiter().until(d -> row(first).findElement(By.cssSelector(".replay-result")).getText().equals("stored"));
        driver.findElement(By.id("dl-replay-all")).click();
        browser.visible("dl-confirm-yes").click();
        browser.waiter().until(d -> d.findElement(By.id("dl-result")).getText()
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

    /** A local receiver answering 500: a message's failed delivery retried until delivered, then all of its target. */
    private static void failedDeliveriesAreRetriedFromAMessageAndAllOfATarget() throws Exception {
        receiver.answer(500);
        // the story's DELIVERED receipt so far (zk-story-1) failed to erp as well: counted, left alone
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingToErp() == 0);
        int earlier = failedToErp();
        int accepted = receiver.acceptedCounts().size();
        for (String messageId : List.of("dv-1", "dv-2", "dv-3")) {
            assertThat(adapter.post(adapter.webhook("zeckta"), delivered(messageId)).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> failedToErp() == earlier + 3);
        int failed = earlier + 2;   // once dv-3 is retried

        // a message's page: its event's delivery, failed with the receiver's 500, retried and delivered
        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);
        driver.get(adapter.url("/console/#/message/zeckta/dv-3"));
        WebElement delivery = browser.waitFor(By.cssSelector("#m-delivery-rows tr.delivery"));
        assertThat(delivery.findElement(By.cssSelector("td.target")).getText()).isEqualTo("erp");
        assertThat(delivery.findElement(By.cssSelector("td.status")).getText()).isEqualTo("failed");
        assertThat(delivery.findElement(By.cssSelector("td.last-answer")).getText()).startsWith("500");
        assertThat(delivery.findElement(By.cssSelector("td.event")).getText()).startsWith("DELIVERED (DELIVERED)");
        assertThat(Integer.parseInt(delivery.findElement(By.cssSelector("td.attempts")).getText())).isPositive();
        browser.screenshot("message-delivery-failed");
        receiver.answer(200);
        delivery.findElement(By.cssSelector("button.retry")).click();
        browser.waiter().until(d -> d.findElement(By.cssSelector("#m-delivery-rows .retry-result")).getText().equals("due now"));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCounts().size() == accepted + 1);
        browser.waiter().until(d -> {
            d.navigate().refresh();
            return browser.waitFor(By.cssSelector("#m-delivery-rows td.status")).getText().equals("delivered");
        });
        assertThat(driver.findElements(By.cssSelector("#m-delivery-rows button.retry"))).isEmpty();
        browser.screenshot("message-delivery-delivered");

        // the Deliveries page: erp's failed deliveries, retry all asked, cancelled, confirmed
        driver.findElement(By.id("nav-deliveries")).click();
        browser.visible("deliveries-page");
        browser.waitFor(By.cssSelector("#target-rows tr.target[data-target='erp']"));
        browser.waiter().until(d -> d.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] td.failed"))
                .getText().equals(String.valueOf(failed)));
        driver.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] button.show-failed")).click();
        browser.waiter().until(d -> d.findElements(By.cssSelector("#delivery-rows tr.delivery")).size() == failed);
        assertThat(driver.findElements(By.cssSelector("#delivery-rows td.last-answer")))
                .allSatisfy(answer -> assertThat(answer.getText()).startsWith("500"));
        assertThat(browser.visible("dv-title").getText()).isEqualTo("Failed deliveries to webhook target erp");
        browser.screenshot("deliveries");
        driver.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] button.retry-all")).click();
        assertThat(browser.visible("dv-confirm-text").getText()).contains(failed + " failed deliveries", "\"erp\"");
        driver.findElement(By.id("dv-confirm-no")).click();
        browser.waiter().until(ExpectedConditions.invisibilityOfElementLocated(By.id("dv-confirm")));
        assertThat(failedToErp()).as("a cancelled retry-all retries nothing").isEqualTo(failed);
        driver.findElement(By.cssSelector("#target-rows tr.target[data-target='erp'] button.retry-all")).click();
        browser.visible("dv-confirm-yes").click();
        browser.waiter().until(d -> d.findElement(By.id("dv-result")).getText().equals("Made " + failed + " failed deliveries to erp due again."));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.acceptedCounts().size() == accepted + 1 + failed);
        browser.waiter().until(d -> {
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
        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);
        driver.findElement(By.id("nav-overview")).click();
        browser.visible("overview-page");
        WebElement routeeLine = browser.waitFor(By.cssSelector("#ov-chart-provider polyline.series[data-series='routee']"));
        assertThat(routeeLine.getAttribute("points").split(" ")).hasSize(60);
        assertThat(driver.findElements(By.cssSelector("#ov-chart-status polyline.series[data-series='DELIVERED']"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#ov-chart-provider .series-name"))).extracting(WebElement::getText)
                .anyMatch(name -> name.matches("routee \\(\\d+\\)"));
        WebElement routee = browser.waitFor(By.cssSelector("#ov-provider-rows tr.provider[data-provider='routee']"));
        assertThat(routee.findElement(By.cssSelector("td.last-receipt")).getText()).endsWith("UTC");
        assertThat(routee.findElement(By.cssSelector("td.polling")).getText()).isEqualTo("off");
        WebElement cecula = driver.findElement(By.cssSelector("#ov-provider-rows tr.provider[data-provider='cecula']"));
        assertThat(cecula.findElement(By.cssSelector("td.last-receipt")).getText()).isEqualTo("none");
        long shown = Long.parseLong(browser.visible("ov-receipts").getText());
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
        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);
        driver.findElement(By.id("nav-api")).click();
        browser.visible("api-page");
        WebElement replayAll = browser.waitFor(By.cssSelector("details.operation[data-operation='POST /api/dead-letters/replay']"));
        assertThat(replayAll.findElement(By.cssSelector(".op-summary")).getText()).isEqualTo("Replay all dead letters of a provider");
        replayAll.findElement(By.tagName("summary")).click();
        assertThat(replayAll.findElements(By.cssSelector("table.parameters td.mono"))).extracting(WebElement::getText)
                .containsExactly("provider", "after", "through");
        assertThat(driver.findElements(By.cssSelector("details.operation[data-operation='POST /webhooks/{provider}']"))).hasSize(1);
        browser.screenshot("api");
        assertNothingRan(driver);
    }

    /** The Providers page: each webhook URL masked and copied whole, the status table, the samples, the mapping file. */
    private static void theProvidersPageGivesEachWebhookUrlMaskedAndCopiesItWhole() throws Exception {
        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);
        driver.findElement(By.id("nav-providers")).click();
        browser.visible("providers-page");
        WebElement zeckta = browser.waitFor(By.cssSelector("section.provider[data-provider='zeckta']"));
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
        browser.waiter().until(d -> zeckta.findElement(By.cssSelector(".copy-status")).getText().equals("Copied."));
        Object copied = driver.executeAsyncScript("navigator.clipboard.readText().then(arguments[0], e => arguments[0]('failed: ' + e))");
        assertThat(copied).isEqualTo(url);
        browser.screenshot("providers");
        // the copied URL is one the adapter takes
        assertThat(adapter.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(com.dlradapter.support.Payloads.zeckta(
                        "ev-copied", "MESSAGE_SENT", "SENT", "zs-copied")))).statusCode()).isEqualTo(200);
        assertNothingRan(driver);
    }

    private static int pendingToErp() throws Exception {
        return JSON.readTree(adapter.get("/api/deliveries?status=pending&target=erp").body()).get("deliveries").size();
    }

    private static int failedToErp() throws Exception {
        return JSON.readTree(adapter.get("/api/deliveries?status=failed&target=erp").body()).get("deliveries").size();
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
        browser.waiter().until(d -> {
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
        return Sql.number(adapter.bean("dataSource", DataSource.class), "SELECT COUNT(*) FROM dead_letter_replay");
    }

    /** Neither the script nor the image's handler ran, no image was made, and the page logged no error. */
    private static void assertNothingRan(ChromeDriver driver) {
        assertThat(driver.executeScript("return window.__xss")).isNull();
        assertThat(driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("main script"))).isEmpty();
        List<LogEntry> errors = browser.consoleLog().getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                // the wrong token's 401 is logged by Chromium as a failed resource load
                .filter(entry -> !entry.getMessage().contains("401"))
                .toList();
        assertThat(errors).as("the browser's console").isEmpty();
    }

    private static void postReceipts() {
        assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("ev-story-1", "MESSAGE_SENT", "SENT", "zk-story-1"))
                .statusCode()).isEqualTo(200);
        assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("ev-story-2", "MESSAGE_DELIVERED", "DELIVERED",
                "zk-story-1")).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(adapter.post(adapter.webhook("zeckta"), Payloads.zeckta("ev-other-" + i, "MESSAGE_SENT", "SENT",
                    "zk-other-" + i)).statusCode()).isEqualTo(200);
        }
        // a form body as a provider sends it: the markup is literal in the raw payload
        var answer = adapter.post(adapter.webhook("acme"), HOSTILE_FORM, "application/x-www-form-urlencoded");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        // a JSON body is kept as received: the markup is literal in its raw payload
        String json = """
                {"eventId": "ev-hostile-1", "eventType": "MESSAGE_SENT", "timestamp": "2026-06-09T13:04:57Z",
                 "note": "%s",
                 "message": {"uuid": "zk-hostile-1", "src": "%s", "dest": "+15551234567", "status": "SENT"}}
                """.formatted(HOSTILE.replace("\"", "\\\""), SCRIPT);
        answer = adapter.post(adapter.webhook("zeckta"), json);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static void logIn(String token) {
        WebElement field = browser.visible("token");
        field.clear();
        field.sendKeys(token);
        browser.driver().findElement(By.id("login-submit")).click();
        if (!"test-api-token".equals(token)) {
            return;
        }
        browser.waiter().until(d -> browser.consoleToken() != null);
    }

    private static List<WebElement> rowsOf(String messageId) {
        return rowsOf(messageId, 1);
    }

    /** The rows of {@code messageId} once the list shows exactly {@code rows} rows, one of them its. */
    private static List<WebElement> rowsOf(String messageId, int rows) {
        browser.waiter().until(d -> {
            List<WebElement> shown = d.findElements(By.cssSelector("#messages-rows tr.message"));
            return shown.size() == rows && shown.stream().anyMatch(row -> row.getText().contains(messageId));
        });
        return browser.driver().findElements(By.cssSelector("#messages-rows tr.message")).stream()
                .filter(row -> row.findElement(By.cssSelector("td.message-id")).getText().equals(messageId)).toList();
    }

    private static WebElement showRaw(WebElement event) {
        event.findElement(By.cssSelector("button.show-raw")).click();
        WebElement raw = event.findElement(By.cssSelector("pre.raw"));
        browser.waiter().until(ExpectedConditions.visibilityOf(raw));
        return raw;
    }

    private static String fact(String term) {
        return (String) browser.driver().executeScript("""
                const terms = [...document.querySelectorAll('#m-state dt')];
                const dt = terms.find(t => t.textContent === arguments[0]);
                return dt ? dt.nextElementSibling.textContent : null;""", term);
    }
}
