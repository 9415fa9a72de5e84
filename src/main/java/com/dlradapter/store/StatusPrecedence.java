package com.dlradapter.store;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.canonical.DeliveryReceipt;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Status precedence: a message's status only moves forward (ACCEPTED &lt; SENT &lt; final), and once
 * final it stays. Late, lower or conflicting events are kept in history but change nothing.
 * {@link #apply} is the one place the store decides what an event does to its message; {@link
 * #UNSEEN} and {@link #REGISTERED} are where a message starts.
 */
public final class StatusPrecedence {

    /** A message whose row its first receipt creates: no status applied yet. */
    public static final Message UNSEEN = new Message(CanonicalStatus.UNKNOWN, false, null, null,
            Collections.emptySortedMap());
    /** A message registered as sent ({@code POST /api/messages}) before any receipt of it. */
    public static final Message REGISTERED = new Message(CanonicalStatus.ACCEPTED, false, null, null,
            Collections.emptySortedMap());

    private StatusPrecedence() {
    }

    /** Whether {@code incoming} replaces {@code current} (null: the message has no status yet). */
    private static boolean advances(CanonicalStatus current, CanonicalStatus incoming) {
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
    private static MessageState combineParts(Map<Integer, CanonicalStatus> partStatuses, int parts) {
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

    /**
     * What one (non-duplicate) event does to its message.
     *
     * @param message the message as stored before the event
     * @param receipt the event
     * @return the message after it, and whether its status (or the event's part) moved
     */
    public static Transition apply(Message message, DeliveryReceipt receipt) {
        CanonicalStatus current = message.applied();
        SortedMap<Integer, CanonicalStatus> parts = message.parts();
        boolean partAdvanced = false;
        CanonicalStatus next;
        boolean nextFinal;
        if (receipt.isMultipart()) {
            CanonicalStatus currentPart = parts.get(receipt.part());
            partAdvanced = advances(currentPart, receipt.status());
            if (partAdvanced) {
                parts = new TreeMap<>(parts);
                parts.put(receipt.part(), receipt.status());
            }
            MessageState combined = combineParts(parts,
                    Math.max(receipt.parts(), message.partCount() == null ? 0 : message.partCount()));
            next = combined.status();
            nextFinal = combined.isFinal();
        } else {
            next = receipt.status();
            nextFinal = receipt.status().isFinal();
        }
        boolean changed = advances(current, next);
        boolean isFinal = changed ? nextFinal : message.isFinal();
        Message after = new Message(changed ? next : current, isFinal,
                changed ? receipt.id() : message.currentEventId(),
                receipt.parts() != null ? receipt.parts() : message.partCount(), parts);
        return new Transition(after, changed, partAdvanced, message.currentEventId() == null,
                isFinal && !message.isFinal());
    }

    /**
     * A message as the store keeps it: its current status (meaningful once {@code currentEventId}
     * is set), whether it is final, the event that set the status, its part count and its parts'
     * statuses by part number.
     */
    public record Message(CanonicalStatus status, boolean isFinal, String currentEventId, Integer partCount,
                          SortedMap<Integer, CanonicalStatus> parts) {

        /**
         * The status an event set, null while no event has been applied: a registered message's
         * ACCEPTED is not a status to keep, nor an unseen message's UNKNOWN.
         */
        public CanonicalStatus applied() {
            return currentEventId == null ? null : status;
        }

        Message withParts(SortedMap<Integer, CanonicalStatus> known) {
            return new Message(status, isFinal, currentEventId, partCount, known);
        }
    }

    /**
     * @param message      the message after the event
     * @param changed      its current status moved to the event's (or the combined parts') status
     * @param partAdvanced the event's part took the event's status (multipart only)
     * @param firstEvent   the event is the first applied to its message (new, or only registered)
     * @param turnedFinal  the event made its message final
     */
    public record Transition(Message message, boolean changed, boolean partAdvanced, boolean firstEvent,
                             boolean turnedFinal) {
    }

    private record MessageState(CanonicalStatus status, boolean isFinal) {
    }
}
