package com.dlradapter.mapping;

/** No mapping is loaded for the provider id. */
public class UnknownProviderException extends RuntimeException {

    public UnknownProviderException(String provider) {
        super("no mapping for provider '" + provider + "'");
    }
}
