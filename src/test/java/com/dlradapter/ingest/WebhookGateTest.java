package com.dlradapter.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's reading of a raw query: one exact credential name, every spelling kept out of payloads. */
class WebhookGateTest {

    @Test
    void onlyTheParameterNamedExactlyTokenIsTheCredential() {
        assertThat(WebhookGate.queryToken("token=abc")).isEqualTo("abc");
        assertThat(WebhookGate.queryToken("a=1&token=a%2Bb+c&b=2")).isEqualTo("a+b c");
        assertThat(WebhookGate.queryToken("TOKEN=abc")).isNull();
        assertThat(WebhookGate.queryToken("tok%65n=abc")).isNull();
        assertThat(WebhookGate.queryToken("x=1;token=abc")).isNull();
        assertThat(WebhookGate.queryToken("tokens=abc&xtoken=abc")).isNull();
        assertThat(WebhookGate.queryToken("token=abc&token=abc")).as("ambiguous").isEmpty();
        assertThat(WebhookGate.queryToken("token=%zz")).as("undecodable").isEmpty();
        assertThat(WebhookGate.queryToken(null)).isNull();
    }

    @Test
    void everySpellingOfTokenIsLeftOutOfAPayload() {
        assertThat(WebhookGate.withoutTokens("a=1&token=x&b=2")).isEqualTo("a=1&b=2");
        assertThat(WebhookGate.withoutTokens("TOKEN=x&a=1&tok%65n=y&ToKeN&T%4FKEN=z&b=2")).isEqualTo("a=1&b=2");
        assertThat(WebhookGate.withoutTokens("token=x")).isEmpty();
        assertThat(WebhookGate.withoutTokens("tokens=1&my-token=2&x=token")).isEqualTo("tokens=1&my-token=2&x=token");
        String untouched = "a=1&b=2";
        assertThat(WebhookGate.withoutTokens(untouched)).isSameAs(untouched);
    }
}
