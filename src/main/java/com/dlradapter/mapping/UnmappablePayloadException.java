package com.dlradapter.mapping;

/**
 * Well-formed JSON that the provider's mapping cannot turn into a receipt (no message id, a
 * status value the mapping does not know, ...). Such a payload is kept as a dead letter.
 */
public class UnmappablePayloadException extends RuntimeException {

    public UnmappablePayloadException(String message) {
        super(message);
    }
}
