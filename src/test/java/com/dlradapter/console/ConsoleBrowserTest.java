package com.dlradapter.console;

import com.dlradapter.support.Browser;
import com.dlradapter.support.RunningAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Messages page's filters and pages in a real headless Chromium against a running adapter,
 * and a token that stops being accepted sending the console back to its login form. The whole
 * story (log in, find, read the timeline, markup as text, replay, retry, providers) is
 * {@link ConsoleOperationsBrowserTest#theWholeStory}. Screenshots go to target/console-screenshots/.
 */
class ConsoleBrowserTest {

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
        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);

        browser.search("f-provider", "routee");
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
        browser.visible("messages-empty");
        assertThat(driver.findElements(By.cssSelector("#messages-rows tr.message"))).isEmpty();
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-final"))).selectByVisibleText("any");
        driver.executeScript("document.getElementById('f-until').value = '2020-01-01T00:00:00'");
        driver.findElement(By.id("search")).click();
        browser.visible("messages-empty");
        driver.executeScript("document.getElementById('f-until').value = ''; document.getElementById('f-since').value = '2020-01-01T00:00:00'");
        driver.findElement(By.id("search")).click();
        assertThat(shownIds(50, "rt-page-51")).isEqualTo(first);
        assertThat(driver.findElement(By.id("messages-empty")).isDisplayed()).isFalse();

        // overdue: none of them (all final in time); not overdue: all of them
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-overdue"))).selectByVisibleText("overdue");
        driver.findElement(By.id("search")).click();
        browser.visible("messages-empty");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-overdue"))).selectByVisibleText("not overdue");
        driver.findElement(By.id("search")).click();
        assertThat(shownIds(50, "rt-page-51")).isEqualTo(first);
        assertThat(driver.findElements(By.cssSelector("#messages-rows td.overdue"))).extracting(WebElement::getText).containsOnly("no");
    }

    /** The message ids the list shows, once it shows {@code rows} of them with {@code newest} first. */
    private static List<String> shownIds(int rows, String newest) {
        By ids = By.cssSelector("#messages-rows td.message-id");
        try {
            browser.waiter().until(d -> {
                List<WebElement> shown = d.findElements(ids);
                return shown.size() == rows && shown.get(0).getText().equals(newest);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            browser.screenshot("failed-" + rows + "-" + newest);
            throw e;
        }
        return browser.driver().findElements(ids).stream().map(WebElement::getText).toList();
    }

    /** The sender's reference: a filter of its own, and a fact of the message's page. */
    @Test
    void aMessageIsFoundByItsClientRefAndItsPageShowsIt() {
        var registered = adapter.postApi("/api/messages",
                "{\"provider\": \"cecula\", \"messageId\": \"cc-ref-1\", \"clientRef\": \"order-77\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);

        browser.clear("f-provider");
        browser.search("f-clientRef", "order-77");
        assertThat(shownIds(1, "cc-ref-1")).containsExactly("cc-ref-1");
        driver.findElement(By.cssSelector("#messages-rows td.message-id a")).click();
        browser.visible("message-page");
        browser.waiter().until(d -> "order-77".equals(driver.executeScript("""
                const dt = [...document.querySelectorAll('#m-state dt')].find(t => t.textContent === 'Client ref');
                return dt ? dt.nextElementSibling.textContent : null;""")));
        browser.screenshot("message-client-ref");
    }

    @Test
    void aRefusedTokenGoesBackToTheLoginForm() {
        ChromeDriver driver = browser.openConsole(adapter.url("/console/"), RunningAdapter.API_TOKEN);
        // the token stops being accepted (as after dlr.api.token changes): the next call is answered 401
        driver.executeScript("sessionStorage.setItem('dlr.console.token', 'an-old-token')");
        driver.findElement(By.id("search")).click();
        assertThat(browser.visible("login-error").getText()).isEqualTo("The adapter refused the token (401): log in again.");
        assertThat(browser.consoleToken()).isNull();
    }
}
