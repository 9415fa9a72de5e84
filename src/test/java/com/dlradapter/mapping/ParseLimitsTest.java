package com.dlradapter.mapping;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JSON nesting depth, string length and number length limits: beyond them the payload is malformed (400). */
class ParseLimitsTest {

    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void nestingUpToTheLimitParsesDeeperIsMalformed() {
        assertThat(PayloadFormat.JSON.parse(nested(MappingEngine.MAX_NESTING_DEPTH))).isNotNull();
        assertThatThrownBy(() -> PayloadFormat.JSON.parse(nested(MappingEngine.MAX_NESTING_DEPTH + 1)))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> PayloadFormat.JSON.parse(nested(100_000))).isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void longStringsAndNumbersAreMalformed() {
        String ok = "{\"a\":\"" + "x".repeat(MappingEngine.MAX_STRING_LENGTH) + "\"}";
        assertThat(PayloadFormat.JSON.parse(ok)).isNotNull();
        assertThatThrownBy(() -> PayloadFormat.JSON.parse("{\"a\":\"" + "x".repeat(MappingEngine.MAX_STRING_LENGTH + 1) + "\"}"))
                .isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> PayloadFormat.JSON.parse("{\"a\":" + "9".repeat(MappingEngine.MAX_NUMBER_LENGTH + 1) + "}"))
                .isInstanceOf(MalformedPayloadException.class);
    }
}
