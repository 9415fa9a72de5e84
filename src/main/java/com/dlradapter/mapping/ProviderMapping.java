package com.dlradapter.mapping;

import com.dlradapter.canonical.CanonicalStatus;
import com.dlradapter.security.SignatureScheme;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A provider's declarative mapping, loaded from {@code mappings/<provider>.yaml}: how each of its
 * payload shapes becomes canonical receipts.
 *
 * @param deduplicateByStatus true: de-duplicate by message, status and part even where the
 *                            provider gives event ids (they exist on its webhooks only)
 * @param reasonStatuses reason codes that settle a failure's canonical status on their own
 *                       (Routee reports an expired message as Undelivered with reason Expired)
 * @param signature      how the provider signs its callbacks (its {@code signature:} block), or null
 */
public record ProviderMapping(
        String provider,
        String name,
        Path file,
        ZoneId timezone,
        TimestampParser timestamps,
        List<PayloadShape> shapes,
        Map<String, StatusRule> statuses,
        Map<String, CanonicalStatus> reasonStatuses,
        boolean deduplicateByStatus,
        List<MappingSample> samples,
        SignatureScheme signature) {

    /** Whether any of its shapes reads payloads of this format. */
    public boolean reads(PayloadFormat format) {
        for (PayloadShape shape : shapes) {
            if (shape.reads(format)) {
                return true;
            }
        }
        return false;
    }
}
