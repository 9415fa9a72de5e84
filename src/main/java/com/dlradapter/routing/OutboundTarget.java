package com.dlradapter.routing;

import java.net.URI;
import java.time.Duration;

/** One outbound webhook target from {@code dlr.outbound.<name>.*}. */
public record OutboundTarget(String name, URI url, WebhookSigner signer, SinkFilter filter, String format,
                             Duration timeout) {
}
