package com.dlradapter.mapping;

/** Normalises the phone numbers providers report to E.164 with a leading '+'. */
public final class PhoneNumbers {

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
        String digits = raw.trim().replaceAll("[\\s().-]", "");
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        } else if (digits.startsWith("00")) {
            digits = digits.substring(2);
        }
        if (!digits.matches("[0-9]{7,15}")) {
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
