package com.dlradapter.mapping;

/** The request body is not well-formed JSON (answered 400: the sender must fix the request). */
public class MalformedPayloadException extends RuntimeException {

    public MalformedPayloadException(String message) {
        super(message);
    }
}
