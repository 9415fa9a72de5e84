package com.dlradapter.mapping;

import java.util.Map;

/**
 * One payload shape a provider sends (its webhook callback, its status API's answer, ...).
 *
 * @param name   the shape's name in the mapping file
 * @param format the payload format this shape reads (json, form, xml)
 * @param match  a path that must hold a value for this shape to apply; null matches any payload
 * @param items  a path to an array whose elements are receipts of their own; null for one receipt
 * @param fields where each canonical field comes from, relative to the receipt
 */
public record PayloadShape(String name, PayloadFormat format, JsonLocator match, JsonLocator items, Map<CanonicalField, FieldSource> fields) {
}
