package com.dlradapter.mapping;

/** The provider's mapping has no shape for the payload's format (answered 415). */
public class UnsupportedPayloadFormatException extends RuntimeException {

    public UnsupportedPayloadFormatException(String provider, PayloadFormat format) {
        super("the mapping of provider '" + provider + "' reads no " + format.wireName() + " payloads");
    }
}
