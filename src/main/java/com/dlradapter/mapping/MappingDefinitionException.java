package com.dlradapter.mapping;

/** A mapping file that cannot be used: the message names the file and the field. Stops start-up. */
public class MappingDefinitionException extends RuntimeException {

    public MappingDefinitionException(String message) {
        super(message);
    }

    public MappingDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
