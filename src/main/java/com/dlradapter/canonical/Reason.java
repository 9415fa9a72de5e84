package com.dlradapter.canonical;

/** Why a message ended the way it did, in the provider's own code and words. */
public record Reason(String code, String description) {

    public static Reason of(String code, String description) {
        return code == null && description == null ? null : new Reason(code, description);
    }
}
