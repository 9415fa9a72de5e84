package com.dlradapter.mapping;

import java.util.regex.Pattern;

/** Normalises the phone numbers providers report to E.164 with a leading '+'. */
public final class PhoneNumbers {

    // compiled once: String.replaceAll and matches compile their pattern on every call
    private static final Pattern SEPARATORS = Pattern.compile("[\\s().-]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{7,15}");

    private PhoneNumbers() {
    }

    /**
     * {@code 2348181234567}, {@code +44 1111 111111} and {@code 0044...} all become {@code +...}.
     * Providers report international numbers; anything that is not 7 to 15 digits is refused.
     */
    public static String toE164(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String digits = SEPARATORS.matcher(raw.trim()).replaceAll("");
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        } else if (digits.startsWith("00")) {
            digits = digits.substring(2);
        }
        if (!DIGITS.matcher(digits).matches()) {
            throw new UnmappablePayloadException("recipient '" + raw + "' is not an international phone number");
        }
        return "+" + digits;
    }

    /** {@code +2348181234567} becomes {@code *********4567}: enough to recognise, not to dial. */
    public static String mask(String number) {
        if (number == null || number.length() <= 4) {
            return number;
        }
        return "*".repeat(number.length() - 4) + number.substring(number.length() - 4);
    }
}
