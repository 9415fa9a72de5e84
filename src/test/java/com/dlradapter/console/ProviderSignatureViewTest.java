package com.dlradapter.console;

import com.dlradapter.support.Browser;
import com.dlradapter.support.RunningAdapter;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How each provider's callbacks are signed, as {@code GET /api/providers} and the console's
 * Providers page tell it: the scheme, where the signature travels (Vonage's is a parameter, so
 * {@code signatureHeader} alone says nothing) and whether its secret is configured, never the
 * secret itself. Twilio has its secret here, Vonage has none (its webhook refuses every call).
 */
class ProviderSignatureViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TWILIO_SECRET = "twilio-auth-token-never-shown";

    @TempDir
    static Path data;
    static RunningAdapter adapter;
    static Browser browser;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new LinkedHashMap<>(RunningAdapter.defaults(data));
        settings.put("dlr.providers.twilio.signature.secret", TWILIO_SECRET);
        settings.remove("dlr.providers.vonage.signature.secret");
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
        }
    }

    @Test
    void theApiDescribesEachProvidersSignatureWithoutItsSecret() throws Exception {
        var answer = adapter.get("/api/providers");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain(TWILIO_SECRET);
        Map<String, JsonNode> webhooks = new LinkedHashMap<>();
        JSON.readTree(answer.body()).get("providers").forEach(p -> webhooks.put(p.get("provider").asText(), p.get("webhook")));

        JsonNode vonage = webhooks.get("vonage").get("signature");
        assertThat(vonage.get("scheme").asText()).isEqualTo("vonage");
        assertThat(vonage.get("carrier").asText()).isEqualTo("parameter sig");
        assertThat(vonage.get("secretConfigured").asBoolean()).isFalse();
        assertThat(webhooks.get("vonage").get("signatureHeader").isNull()).as("a parameter, not a header").isTrue();

        JsonNode twilio = webhooks.get("twilio").get("signature");
        assertThat(twilio.get("scheme").asText()).isEqualTo("twilio");
        assertThat(twilio.get("carrier").asText()).isEqualTo("header X-Twilio-Signature");
        assertThat(twilio.get("secretConfigured").asBoolean()).isTrue();
        assertThat(twilio.size()).as("scheme, carrier, secretConfigured and nothing else").isEqualTo(3);

        // an unsigned provider: null, as its signatureHeader
        assertThat(webhooks.get("infobip").get("signature").isNull()).isTrue();
        // one provider alone answers the same
        assertThat(JSON.readTree(adapter.get("/api/providers/vonage").body()).get("webhook").get("signature")).isEqualTo(vonage);
    }

    @Test
    void theProvidersPageShowsTheSchemeWhereItTravelsAndAMissingSecret() {
        ChromeDriver driver = browser.driver();
        driver.get(adapter.url("/console/"));
        driver.executeScript("sessionStorage.setItem('dlr.console.token', 'test-api-token')");
        driver.navigate().refresh();
        waiter().until(ExpectedConditions.visibilityOfElementLocated(By.id("messages-page")));
        driver.findElement(By.id("nav-providers")).click();
        waiter().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("section.provider[data-provider='vonage']")));

        assertThat(signatureFact("vonage")).isEqualTo("vonage (parameter sig), NO SECRET: every call is refused (401) "
                + "until dlr.providers.vonage.signature.secret is set");
        assertThat(signatureFact("twilio")).isEqualTo("twilio (header X-Twilio-Signature), secret configured");
        assertThat(driver.findElements(By.xpath("//section[@data-provider='infobip']//dt[text()='Signature']"))).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain(TWILIO_SECRET);
        browser.screenshot("providers-signatures");
    }

    /** The text of the Signature fact in a provider's section. */
    private static String signatureFact(String provider) {
        List<WebElement> facts = browser.driver().findElements(
                By.xpath("//section[@data-provider='" + provider + "']//dt[text()='Signature']/following-sibling::dd[1]"));
        assertThat(facts).as(provider + "'s Signature fact").hasSize(1);
        return facts.get(0).getText();
    }

    private static WebDriverWait waiter() {
        WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }
}
