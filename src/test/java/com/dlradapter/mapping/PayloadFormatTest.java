package com.dlradapter.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadFormatTest {

    @Test
    void theFormatFollowsTheContentTypeThenTheBody() {
        assertThat(PayloadFormat.detect("application/x-www-form-urlencoded; charset=UTF-8", "a=1")).isEqualTo(PayloadFormat.FORM);
        assertThat(PayloadFormat.detect("text/xml", "<a/>")).isEqualTo(PayloadFormat.XML);
        assertThat(PayloadFormat.detect("application/json", "<a/>")).isEqualTo(PayloadFormat.JSON);
        assertThat(PayloadFormat.detect(null, "  <a/>")).isEqualTo(PayloadFormat.XML);
        assertThat(PayloadFormat.detect("text/plain", "{}")).isEqualTo(PayloadFormat.JSON);
    }

    @Test
    void aFormBecomesAnObjectOfItsDecodedFields() {
        JsonNode form = PayloadFormat.FORM.parse("To=%2B15558675310&Body=hello+world&tag=a&tag=b&empty=&flag");
        assertThat(form.get("To").asText()).isEqualTo("+15558675310");
        assertThat(form.get("Body").asText()).isEqualTo("hello world");
        assertThat(form.get("tag").isArray()).isTrue();
        assertThat(form.get("tag")).hasSize(2);
        assertThat(form.get("empty").asText()).isEmpty();
        assertThat(form.get("flag").asText()).isEmpty();
        assertThatThrownBy(() -> PayloadFormat.FORM.parse("a=%zz")).isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void xmlEntitiesFromOutsideAreNeverResolved() {
        String xxe = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r><ref>&x;</ref></r>";
        assertThatThrownBy(() -> PayloadFormat.XML.parse(xxe))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageNotContaining("root:");
    }

    @Test
    void malformedBodiesAreReportedAsSuch() {
        assertThatThrownBy(() -> PayloadFormat.XML.parse("<a><b></a>")).isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> PayloadFormat.JSON.parse("{\"a\":")).isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> PayloadFormat.JSON.parse(" ")).isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void aMalformedBodyIsToldWhereInOurWordsNotInTheParsersOwn() {
        for (var bad : java.util.Map.of(PayloadFormat.JSON, "{\"a\":\n  [1, }", PayloadFormat.XML, "<a>\n<b></a>").entrySet()) {
            assertThatThrownBy(() -> bad.getKey().parse(bad.getValue()))
                    .isInstanceOf(MalformedPayloadException.class)
                    .hasMessageStartingWith("the request body is not valid " + bad.getKey().wireName())
                    .hasMessageContaining("(line 2, column ")
                    .hasMessageNotContaining("Source").hasMessageNotContaining("StreamReadFeature")
                    .hasMessageNotContaining("fasterxml").hasMessageNotContaining("ctc.wstx");
        }
    }
}
