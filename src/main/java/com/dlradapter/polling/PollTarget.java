package com.dlradapter.polling;

import java.util.List;

/**
 * One call to a provider's status API: by message id, or by batch id for providers whose API
 * answers for a whole batch (then {@code messageIds} are all the due messages of that batch).
 */
public record PollTarget(String provider, String key, List<String> messageIds) {
}
