package com.dlradapter.config;

import com.dlradapter.http.ErrorAnswers;
import com.dlradapter.http.PublicHttpServer;
import com.dlradapter.http.WebhookMethods;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;

import java.time.Duration;

/** http/: the public port's own server, the methods each webhook path takes, and every failure's answer. */
final class HttpConfiguration {

    private HttpConfiguration() {
    }

    /**
     * The public port is the adapter's own Vert.x server (timeouts, strict framing, no file
     * uploads); the platform-http routes use its router, and the management server its Vert.x.
     * platform-http-vertx runs each request on a worker thread (blocking JDBC stays off the event
     * loop); their number bounds the requests in the pipeline at once, and so the size of a group commit.
     */
    static PublicHttpServer publicServer(CamelContext context, Settings settings) throws Exception {
        PublicHttpServer publicServer = new PublicHttpServer(context,
                settings.text("dlr.http.host", "0.0.0.0"), settings.integer("dlr.http.port", 8080),
                settings.integer("dlr.http.worker-threads", 64),
                settings.longValue("dlr.max-body-bytes", 262_144),
                settings.duration("dlr.http.header-timeout", Duration.ofSeconds(10)),
                settings.duration("dlr.http.request-timeout", Duration.ofSeconds(30)),
                settings.duration("dlr.http.idle-timeout", Duration.ofSeconds(30)));
        context.addService(publicServer, true, true);
        context.addStartupListener(publicServer);
        return publicServer;
    }

    /** The methods each webhook path takes (405 for the others), learnt from the routes as they start. */
    static WebhookMethods webhookMethods(CamelContext context) {
        WebhookMethods webhookMethods = new WebhookMethods(context);
        context.getManagementStrategy().addEventNotifier(webhookMethods);
        return webhookMethods;
    }

    /** Every failed exchange's answer (routes/errors.yaml), as a plain processor. */
    static void bindErrorAnswers(CamelContext context) {
        context.getRegistry().bind("answerError", (Processor) new ErrorAnswers()::answer);
    }
}
