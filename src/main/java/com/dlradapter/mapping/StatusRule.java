package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalStatus;

/**
 * One row of a mapping's status table: the canonical status for a provider status value and,
 * optionally, the reason to report when the payload itself gives none (Cecula's NOCREDT, DND).
 */
public record StatusRule(CanonicalStatus status, String reason) {
}
