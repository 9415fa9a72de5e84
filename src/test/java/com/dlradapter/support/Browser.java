package com.dlradapter.support;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntries;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

/**
 * A headless Chromium driven by Selenium, from the Debian packages {@code chromium} and
 * {@code chromium-driver}, both used by path: Selenium Manager never runs, so nothing is
 * downloaded. Missing packages fail the test (never a skip) with how to install them.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("dlr.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("dlr.test.chromedriver", "/usr/bin/chromedriver"));
    /** Screenshots of the console's pages, for a human to look at; not committed. */
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    public static Browser start() {
        for (Path binary : new Path[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: the console's browser tests need headless Chromium. "
                        + "Install it with `apt-get install -y chromium chromium-driver` (Debian/Ubuntu; .ci/run does this), "
                        + "or name other binaries with -Ddlr.test.chromium=... -Ddlr.test.chromedriver=...");
            }
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // CI runs as root, where Chromium's sandbox cannot start; tests load only the adapter's own pages.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
            return new Browser(service, driver);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Waits up to 20 s (a noisy machine), looking again when the page re-rendered what it looked at. */
    public WebDriverWait waiter() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** The element {@code selector} finds, once it is shown. */
    public WebElement waitFor(By selector) {
        return waiter().until(ExpectedConditions.visibilityOfElementLocated(selector));
    }

    /** The element with this id, once it is shown. */
    public WebElement visible(String id) {
        return waitFor(By.id(id));
    }

    /**
     * The adapter's console at {@code consoleUrl}, logged in with {@code token} kept in this tab's
     * session as its login form keeps it, once it shows the Messages page.
     */
    public ChromeDriver openConsole(String consoleUrl, String token) {
        driver.get(consoleUrl);
        driver.executeScript("sessionStorage.setItem('dlr.console.token', arguments[0])", token);
        driver.navigate().refresh();
        visible("messages-page");
        return driver;
    }

    /** The token the console keeps in this tab's session; null when logged out. */
    public String consoleToken() {
        return (String) driver.executeScript("return sessionStorage.getItem('dlr.console.token')");
    }

    /** Types {@code value} into the console's search field {@code field} (emptied first) and searches. */
    public void search(String field, String value) {
        clear(field);
        driver.findElement(By.id(field)).sendKeys(value);
        driver.findElement(By.id("search")).click();
    }

    /** Empties the field with this id. */
    public void clear(String field) {
        driver.findElement(By.id(field)).clear();
    }

    /** What the page wrote to the console (errors included, a CSP violation among them). */
    public LogEntries consoleLog() {
        return driver.manage().logs().get(LogType.BROWSER);
    }

    /** Writes a screenshot of the current page to target/console-screenshots/{name}.png. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write screenshot " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
