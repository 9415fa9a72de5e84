package com.dlradapter.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's reading of a raw query: one exact credential name, every spelling kept out of payloads. */
class WebhookTokensTest {

    @Test
    void onlyTheParameterNamedExactlyTokenIsTheCredential() {
        assertThat(WebhookTokens.queryToken("token=abc")).isEqualTo("abc");
        assertThat(WebhookTokens.queryToken("a=1&token=a%2Bb+c&b=2")).isEqualTo("a+b c");
        assertThat(WebhookTokens.queryToken("TOKEN=abc")).isNull();
        assertThat(WebhookTokens.queryToken("tok%65n=abc")).isNull();
        assertThat(WebhookTokens.queryToken("x=1;token=abc")).isNull();
        assertThat(WebhookTokens.queryToken("tokens=abc&xtoken=abc")).isNull();
        assertThat(WebhookTokens.queryToken("token=abc&token=abc")).as("ambiguous").isEmpty();
        assertThat(WebhookTokens.queryToken("token=%zz")).as("undecodable").isEmpty();
        assertThat(WebhookTokens.queryToken(null)).isNull();
    }

    @Test
    void everySpellingOfTokenIsLeftOutOfAPayload() {
        assertThat(WebhookTokens.withoutTokens("a=1&token=x&b=2")).isEqualTo("a=1&b=2");
        assertThat(WebhookTokens.withoutTokens("TOKEN=x&a=1&tok%65n=y&ToKeN&T%4FKEN=z&b=2")).isEqualTo("a=1&b=2");
        assertThat(WebhookTokens.withoutTokens("token=x")).isEmpty();
        assertThat(WebhookTokens.withoutTokens("tokens=1&my-token=2&x=token")).isEqualTo("tokens=1&my-token=2&x=token");
        String untouched = "a=1&b=2";
        assertThat(WebhookTokens.withoutTokens(untouched)).isSameAs(untouched);
    }
}
