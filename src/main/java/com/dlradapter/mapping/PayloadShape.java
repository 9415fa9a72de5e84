package com.dlradapter.mapping;

import java.util.Map;
import java.util.Set;

/**
 * One payload shape a provider sends (its webhook callback, its status API's answer, ...).
 *
 * @param name    the shape's name in the mapping file
 * @param formats the payload formats this shape reads (json, form, xml): one or several, as a
 *                provider may send the same fields as a GET query or a JSON POST
 * @param match   a path that must hold a value for this shape to apply; null matches any payload
 * @param items   a path to an array whose elements are receipts of their own; null for one receipt
 * @param fields  where each canonical field comes from, relative to the receipt (an EnumMap: a
 *                lookup per field and receipt is an array index)
 */
public record PayloadShape(String name, Set<PayloadFormat> formats, JsonLocator match, JsonLocator items,
                           Map<CanonicalField, FieldSource> fields) {

    /** Whether this shape reads payloads of the format. */
    public boolean reads(PayloadFormat format) {
        return formats.contains(format);
    }
}
