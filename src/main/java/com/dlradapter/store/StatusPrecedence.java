package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;

import java.util.Collection;
import java.util.Comparator;

import java.util.Map;

/**
 * Status precedence: a message's status only moves forward (ACCEPTED &lt; SENT &lt; final), and once
 * final it stays. Late, lower or conflicting events are kept in history but change nothing.
 */
public final class StatusPrecedence {

    private StatusPrecedence() {
    }

    /** Whether {@code incoming} replaces {@code current} (null: the message has no status yet). */
    public static boolean advances(CanonicalStatus current, CanonicalStatus incoming) {
        if (current == null) {
            return true;
        }
        if (current.isFinal()) {
            return false;
        }
        return incoming.rank() > current.rank();
    }

    /**
     * The status of a multipart message from its parts' statuses (part number to status). It is
     * final only once all {@code parts} parts are final: DELIVERED if every part was, otherwise the
     * status of the first failing part. Until then it is the least advanced part's status.
     */
    public static MessageState combineParts(Map<Integer, CanonicalStatus> partStatuses, int parts) {
        Collection<CanonicalStatus> statuses = partStatuses.values();
        boolean allFinal = partStatuses.size() >= parts && statuses.stream().allMatch(CanonicalStatus::isFinal);
        if (allFinal) {
            CanonicalStatus failing = partStatuses.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(Map.Entry::getValue)
                    .filter(s -> s != CanonicalStatus.DELIVERED)
                    .findFirst().orElse(CanonicalStatus.DELIVERED);
            return new MessageState(failing, true);
        }
        CanonicalStatus least = statuses.stream()
                .map(s -> s.isFinal() ? CanonicalStatus.SENT : s)   // a finished part says at least "sent"
                .min(Comparator.comparingInt(CanonicalStatus::rank))
                .orElse(CanonicalStatus.UNKNOWN);
        return new MessageState(least, false);
    }

    public record MessageState(CanonicalStatus status, boolean isFinal) {
    }
}
