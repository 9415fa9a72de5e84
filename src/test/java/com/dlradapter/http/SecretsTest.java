package com.dlradapter.http;

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
}
