package com.dlradapter.canonical;

/** The recipient's mobile network, as far as the provider reports it. */
public record Network(String mccmnc, String operator, String country) {

    public static Network of(String mccmnc, String operator, String country) {
        return mccmnc == null && operator == null && country == null ? null : new Network(mccmnc, operator, country);
    }
}
