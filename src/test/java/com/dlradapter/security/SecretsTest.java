package com.dlradapter.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    @Test
    void userInfoPasswordsAreMaskedWhereverTheyAppear() {
        assertThat(Secrets.maskUserInfo("dlr.outbound.erp.url = https://alice:s3cret@erp.example:8443/hook?k=1"))
                .isEqualTo("dlr.outbound.erp.url = https://alice:****@erp.example:8443/hook?k=1");
        assertThat(Secrets.maskUserInfo("two: http://a:b@h1, and ftp://c:d;e,f@h2/x"))
                .isEqualTo("two: http://a:****@h1, and ftp://c:****@h2/x");
        assertThat(Secrets.maskUserInfo("{\"url\":\"https://u:p%40ss@h\"}")).isEqualTo("{\"url\":\"https://u:****@h\"}");
        String plain = "https://host:8080/path?user=a:b@c and https://user@host";
        assertThat(Secrets.maskUserInfo(plain)).isSameAs(plain);
        String none = "no url here";
        assertThat(Secrets.maskUserInfo(none)).isSameAs(none);
    }

    @Test
    void bareUserInfoPasswordsAreMaskedInExceptionTexts() {
        assertThat(Secrets.maskBareUserInfo("Request URI authority contains deprecated userinfo component: alice:s3cretpw@127.0.0.1:9"))
                .isEqualTo("Request URI authority contains deprecated userinfo component: alice:****@127.0.0.1:9");
        assertThat(Secrets.maskBareUserInfo("target (erp:pa:ss@erp.example) and 'u:p@[::1]:8443/x'"))
                .isEqualTo("target (erp:****@erp.example) and 'u:****@[::1]:8443/x'");
        String masked = "alice:****@127.0.0.1:9";
        assertThat(Secrets.maskBareUserInfo(masked)).isSameAs(masked);
    }

    @Test
    void ordinaryTextIsNotTakenForABareUserInfo() {
        for (String text : new String[] {
                "Email alerts to ops@example.com, from dlr@example.com",
                "Member [127.0.0.1]:5701 - 3c3f80cd this",
                "at 12:30 user@host said: hello@world",
                "https://alice@host/path and user@host:8080",
                "com.dlradapter.Foo@5f3a and java.lang.Object@1b2c",
                "no at sign: a:b",
        }) {
            assertThat(Secrets.maskBareUserInfo(text)).as(text).isSameAs(text);
        }
    }
}
