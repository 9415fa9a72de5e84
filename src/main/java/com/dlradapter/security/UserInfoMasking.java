package com.dlradapter.security;

import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A Log4j rewrite policy (log4j2.properties: the {@code masked} appender every logger writes
 * through) that masks the password of any URL's user-info in every log line, whoever logs it:
 * an outbound target URL such as {@code https://erp:secret@erp.example/hook} given in the
 * environment shows up in exception messages, and so on.
 * <ul>
 *   <li>The message: a URL's user-info password ({@code https://user:****@host}). Lines without
 *   {@code ://} pass unchanged, at the cost of one search.</li>
 *   <li>An attached exception (its message, its causes' and suppressed ones'): the same, and also a
 *   user-info without a scheme ({@code alice:****@127.0.0.1:9}, as HttpClient 5 quotes a URI's
 *   authority). A Throwable's message cannot be changed, so an exception whose text needs masking
 *   is written, masked, into the message (its stack trace as {@code printStackTrace} writes it)
 *   and the event carries no exception any more: in JSON the trace is in {@code message} and there
 *   is no {@code thrown}. Events whose exceptions hold no password keep them as they are.</li>
 * </ul>
 */
@Plugin(name = "MaskUserInfo", category = Core.CATEGORY_NAME, elementType = "rewritePolicy", printObject = true)
public final class UserInfoMasking implements RewritePolicy {

    @PluginFactory
    public static UserInfoMasking create() {
        return new UserInfoMasking();
    }

    @Override
    public LogEvent rewrite(LogEvent event) {
        String text = event.getMessage() == null ? null : event.getMessage().getFormattedMessage();
        String masked = Secrets.maskUserInfo(text);
        String trace = event.getThrown() == null ? null : maskedStackTrace(event.getThrown());
        if (masked == text && trace == null) {
            return event;
        }
        Log4jLogEvent.Builder rewritten = new Log4jLogEvent.Builder(event);
        if (trace == null) {
            return rewritten.setMessage(new SimpleMessage(masked)).build();
        }
        return rewritten.setMessage(new SimpleMessage(masked == null ? trace : masked + System.lineSeparator() + trace))
                .setThrown(null).setThrownProxy(null).build();
    }

    /** The stack trace of {@code thrown} as {@code printStackTrace} writes it, masked; null when no text in it needs masking. */
    static String maskedStackTrace(Throwable thrown) {
        if (!needsMasking(thrown, Collections.newSetFromMap(new IdentityHashMap<>()))) {
            return null;
        }
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return Secrets.maskBareUserInfo(Secrets.maskUserInfo(out.toString().stripTrailing()));
    }

    /** Whether the text of {@code thrown}, its suppressed exceptions or its causes holds a user-info password. */
    private static boolean needsMasking(Throwable thrown, Set<Throwable> seen) {
        if (thrown == null || !seen.add(thrown)) {
            return false;
        }
        String text = thrown.toString();
        if (Secrets.maskUserInfo(text) != text || Secrets.maskBareUserInfo(text) != text) {
            return true;
        }
        for (Throwable suppressed : thrown.getSuppressed()) {
            if (needsMasking(suppressed, seen)) {
                return true;
            }
        }
        return needsMasking(thrown.getCause(), seen);
    }
}
