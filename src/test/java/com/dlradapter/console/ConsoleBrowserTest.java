package com.dlradapter.console;

import com.dlradapter.support.Browser;
import com.dlradapter.support.Payloads;
import com.dlradapter.support.RunningAdapter;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in a real headless Chromium against a running adapter: log in (a wrong
 * token refused), find messages by id and by recipient, open a message's timeline and an event's
 * raw payload; a receipt whose fields and raw payload carry markup shows it as text and runs
 * nothing. Screenshots of each page go to target/console-screenshots/.
 */
class ConsoleBrowserTest {

    /** Markup a hostile provider (or anyone who knows a webhook token) could put in a receipt. */
    static final String SCRIPT = "<script>window.__xss='script'</script>";
    static final String IMG = "\"><img src=x onerror=\"window.__xss='img'\">";
    static final String HOSTILE = SCRIPT + IMG;
    /** A form body as a provider sends it, the markup literal in its bytes. */
    static final String HOSTILE_FORM = "MessageSid=SMhostile1&MessageStatus=undelivered&ErrorCode=30003&ErrorMessage="
            + HOSTILE + "&To=%2B15551234567&From=" + SCRIPT;

    @TempDir
    static Path data;
    static RunningAdapter adapter;
    static Browser browser;

    @BeforeAll
    static void start() {
        adapter = RunningAdapter.start(RunningAdapter.defaults(data));
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
        }
    }

    @Test
    void anOperatorFindsAMessageAndReadsItsTimeline() {
        postReceipts();
        ChromeDriver driver = browser.driver();
        driver.get(adapter.url("/console/"));
        visible("login-page");
        browser.screenshot("login");

        // a wrong token is refused, and kept nowhere
        logIn("not-the-token");
        WebElement refused = visible("login-error");
        assertThat(refused.getText()).isEqualTo("The adapter refused this token.");
        assertThat(session(driver)).isNull();

        logIn("test-api-token");
        visible("messages-page");
        waitFor(By.cssSelector("#messages-rows tr.message"));
        browser.screenshot("messages");
        assertThat(session(driver)).isEqualTo("test-api-token");
        assertThat(driver.executeScript("return localStorage.length")).isEqualTo(0L);
        assertThat(driver.executeScript("return document.cookie")).isEqualTo("");
        assertThat(driver.getCurrentUrl()).doesNotContain("test-api-token");

        // by message id
        search("f-messageId", "zk-story-1");
        List<WebElement> rows = rowsOf("zk-story-1");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).findElement(By.cssSelector("td.recipient")).getText()).isEqualTo("*********7745");
        assertThat(rows.get(0).findElement(By.cssSelector("td.status")).getText()).isEqualTo("DELIVERED");
        rows.get(0).findElement(By.cssSelector("td.message-id a")).click();
        visible("message-page");
        waitFor(By.cssSelector("#timeline-rows tr.event"));
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
        visible("messages-page");
        clear("f-messageId");
        search("f-recipient", "+15551234567");
        waiter().until(d -> d.findElements(By.cssSelector("#messages-rows tr.message")).size() == 2);
        assertThat(driver.findElements(By.cssSelector("#messages-rows td.message-id"))).extracting(WebElement::getText)
                .containsExactlyInAnyOrder("SMhostile1", "zk-hostile-1");
        assertThat(driver.findElements(By.cssSelector("#messages-rows td.recipient"))).extracting(WebElement::getText)
                .containsOnly("********4567");
        rowsOf("SMhostile1", 2).get(0).findElement(By.cssSelector("td.message-id a")).click();
        visible("message-page");
        WebElement event = waitFor(By.cssSelector("#timeline-rows tr.event"));
        assertThat(event.findElement(By.cssSelector("td.reason")).getText()).isEqualTo("30003: " + HOSTILE);
        assertThat(fact("Sender")).isEqualTo(SCRIPT);
        // a form body is kept exactly as it was sent (the token left out): the markup shows as literal text
        assertThat(showRaw(event).getText()).isEqualTo(HOSTILE_FORM);
        browser.screenshot("hostile-form-receipt");
        assertNothingRan(driver);

        driver.navigate().back();
        visible("messages-page");
        rowsOf("zk-hostile-1", 2).get(0).findElement(By.cssSelector("td.message-id a")).click();
        visible("message-page");
        event = waitFor(By.cssSelector("#timeline-rows tr.event"));
        assertThat(fact("Sender")).isEqualTo(SCRIPT);
        WebElement raw = showRaw(event);
        assertThat(raw.getText()).contains("\"src\": \"" + SCRIPT + "\"", "\"note\": \"" + HOSTILE.replace("\"", "\\\"") + "\"");
        browser.screenshot("hostile-json-receipt");
        assertNothingRan(driver);
    }

    /** The other filters and the pages: 52 Routee messages are a page of 50 and one of 2. */
    @Test
    void filtersAndPages() {
        for (int i = 0; i < 52; i++) {
            String receipt = """
                    {"messageId": "rt-page-%02d", "smsId": "sms-%02d", "part": 1, "parts": 1, "to": "+306948530920",
                     "from": "Routee", "status": {"name": "Delivered", "updatedDate": "2026-06-09T13:04:57Z"}}
                    """.formatted(i, i);
            var answer = adapter.post(adapter.webhook("routee"), receipt);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        ChromeDriver driver = browser.driver();
        driver.get(adapter.url("/console/"));
        driver.executeScript("sessionStorage.setItem('dlr.console.token', 'test-api-token')");
        driver.navigate().refresh();
        visible("messages-page");

        search("f-provider", "routee");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-status"))).selectByVisibleText("DELIVERED");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-final"))).selectByVisibleText("final");
        driver.findElement(By.id("search")).click();
        List<String> first = shownIds(50, "rt-page-51");
        assertThat(first).allMatch(id -> id.startsWith("rt-page-"));
        assertThat(driver.findElement(By.id("newer-page")).isEnabled()).isFalse();
        driver.findElement(By.id("older-page")).click();
        List<String> second = shownIds(2, "rt-page-01");
        assertThat(driver.findElement(By.id("older-page")).isEnabled()).isFalse();
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        assertThat(all).doesNotHaveDuplicates().hasSize(52);
        browser.screenshot("messages-older-page");
        driver.findElement(By.id("newer-page")).click();
        assertThat(shownIds(50, "rt-page-51")).isEqualTo(first);

        // not final: none of them; then a time range before any of them, and one that holds them all
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-final"))).selectByVisibleText("not final");
        driver.findElement(By.id("search")).click();
        visible("messages-empty");
        assertThat(driver.findElements(By.cssSelector("#messages-rows tr.message"))).isEmpty();
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-final"))).selectByVisibleText("any");
        driver.executeScript("document.getElementById('f-until').value = '2020-01-01T00:00:00'");
        driver.findElement(By.id("search")).click();
        visible("messages-empty");
        driver.executeScript("document.getElementById('f-until').value = ''; document.getElementById('f-since').value = '2020-01-01T00:00:00'");
        driver.findElement(By.id("search")).click();
        assertThat(shownIds(50, "rt-page-51")).isEqualTo(first);
        assertThat(driver.findElement(By.id("messages-empty")).isDisplayed()).isFalse();
    }

    /** The message ids the list shows, once it shows {@code rows} of them with {@code newest} first. */
    private static List<String> shownIds(int rows, String newest) {
        By ids = By.cssSelector("#messages-rows td.message-id");
        try {
            waiter().until(d -> {
                List<WebElement> shown = d.findElements(ids);
                return shown.size() == rows && shown.get(0).getText().equals(newest);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            browser.screenshot("failed-" + rows + "-" + newest);
            throw e;
        }
        return browser.driver().findElements(ids).stream().map(WebElement::getText).toList();
    }

    @Test
    void aRefusedTokenGoesBackToTheLoginForm() {
        ChromeDriver driver = browser.driver();
        driver.get(adapter.url("/console/"));
        driver.executeScript("sessionStorage.setItem('dlr.console.token', 'test-api-token')");
        driver.navigate().refresh();
        visible("messages-page");
        // the token stops being accepted (as after dlr.api.token changes): the next call is answered 401
        driver.executeScript("sessionStorage.setItem('dlr.console.token', 'an-old-token')");
        driver.findElement(By.id("search")).click();
        assertThat(visible("login-error").getText()).isEqualTo("The adapter refused the token (401): log in again.");
        assertThat(session(driver)).isNull();
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

    private static void logIn(String token) {
        WebElement field = visible("token");
        field.clear();
        field.sendKeys(token);
        browser.driver().findElement(By.id("login-submit")).click();
        if (!"test-api-token".equals(token)) {
            return;
        }
        waiter().until(d -> session(browser.driver()) != null);
    }

    private static void search(String field, String value) {
        clear(field);
        browser.driver().findElement(By.id(field)).sendKeys(value);
        browser.driver().findElement(By.id("search")).click();
    }

    private static void clear(String field) {
        browser.driver().findElement(By.id(field)).clear();
    }

    private static List<WebElement> rowsOf(String messageId) {
        return rowsOf(messageId, 1);
    }

    /** The rows of {@code messageId} once the list shows exactly {@code rows} rows, one of them its. */
    private static List<WebElement> rowsOf(String messageId, int rows) {
        waiter().until(d -> {
            List<WebElement> shown = d.findElements(By.cssSelector("#messages-rows tr.message"));
            return shown.size() == rows && shown.stream().anyMatch(row -> row.getText().contains(messageId));
        });
        return browser.driver().findElements(By.cssSelector("#messages-rows tr.message")).stream()
                .filter(row -> row.findElement(By.cssSelector("td.message-id")).getText().equals(messageId)).toList();
    }

    private static WebElement showRaw(WebElement event) {
        event.findElement(By.cssSelector("button.show-raw")).click();
        WebElement raw = event.findElement(By.cssSelector("pre.raw"));
        waiter().until(ExpectedConditions.visibilityOf(raw));
        return raw;
    }

    private static String fact(String term) {
        return (String) browser.driver().executeScript("""
                const terms = [...document.querySelectorAll('#m-state dt')];
                const dt = terms.find(t => t.textContent === arguments[0]);
                return dt ? dt.nextElementSibling.textContent : null;""", term);
    }

    private static String session(ChromeDriver driver) {
        return (String) driver.executeScript("return sessionStorage.getItem('dlr.console.token')");
    }

    private static WebElement visible(String id) {
        return waiter()
                .until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    /** Waits up to 20 s (a noisy machine), looking again when the page re-rendered what it looked at. */
    private static WebDriverWait waiter() {
        WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static WebElement waitFor(By selector) {
        return waiter()
                .until(ExpectedConditions.visibilityOfElementLocated(selector));
    }
}
