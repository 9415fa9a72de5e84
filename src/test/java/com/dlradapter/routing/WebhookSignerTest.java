package com.dlradapter.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignerTest {

    /** The example of the Standard Webhooks reference libraries. */
    @Test
    void signsTheReferenceExample() {
        WebhookSigner signer = new WebhookSigner("s", List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThat(signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsWithEverySecretWhileOneRotates() {
        WebhookSigner signer = new WebhookSigner("s", List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25k"));
        assertThat(signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}").split(" "))
                .hasSize(2).startsWith("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void refusesSecretsThatAreNotWhsecBase64() {
        assertThatThrownBy(() -> new WebhookSigner("dlr.outbound.x.secret", List.of("plain"))).hasMessageContaining("whsec_");
        assertThatThrownBy(() -> new WebhookSigner("dlr.outbound.x.secret", List.of())).hasMessageContaining("required");
        assertThatThrownBy(() -> new WebhookSigner("dlr.outbound.x.secret", List.of("whsec_!!"))).hasMessageContaining("base64");
    }
}
