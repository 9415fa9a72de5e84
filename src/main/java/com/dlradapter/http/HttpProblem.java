package com.dlradapter.http;

/**
 * A request the adapter refuses with a 4xx status: the client's problem, answered with a short
 * JSON error and no internals.
 */
public class HttpProblem extends RuntimeException {

    private final int status;
    private final String error;
    private final String challenge;
    private final long retryAfterSeconds;
    private final String allow;

    public HttpProblem(int status, String error, String message) {
        this(status, error, message, null);
    }

    private HttpProblem(int status, String error, String message, String challenge) {
        this(status, error, message, challenge, 0, null);
    }

    private HttpProblem(int status, String error, String message, String challenge, long retryAfterSeconds, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.challenge = challenge;
        this.retryAfterSeconds = retryAfterSeconds;
        this.allow = allow;
    }

    /** The methods of a 405's Allow header, else null. */
    public String allow() {
        return allow;
    }

    /** Seconds for a Retry-After header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The WWW-Authenticate challenge of a 401, else null. */
    public String challenge() {
        return challenge;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public static HttpProblem unauthorized(String message, String challenge) {
        return new HttpProblem(401, "unauthorized", message, challenge);
    }

    public static HttpProblem forbidden(String message) {
        return new HttpProblem(403, "forbidden", message);
    }

    public static HttpProblem tooManyRequests(long retryAfterSeconds) {
        return new HttpProblem(429, "too-many-requests", "rate limit exceeded; retry after " + retryAfterSeconds + " s",
                null, retryAfterSeconds, null);
    }

    /** A client over its budget of failed authentications (the request failed too). */
    public static HttpProblem tooManyFailures(long retryAfterSeconds) {
        return new HttpProblem(429, "too-many-requests", "too many failed authentications from this address; retry after "
                + retryAfterSeconds + " s", null, retryAfterSeconds, null);
    }

    /** 405 with the methods that are allowed, e.g. "GET, POST". */
    public static HttpProblem methodNotAllowed(String allow) {
        return new HttpProblem(405, "method-not-allowed", "this path takes " + allow, null, 0, allow);
    }

    public static HttpProblem notFound(String message) {
        return new HttpProblem(404, "not-found", message);
    }

    public static HttpProblem tooLarge(long limit) {
        return new HttpProblem(413, "payload-too-large", "the request body is larger than " + limit + " bytes");
    }

    public static HttpProblem badRequest(String message) {
        return new HttpProblem(400, "bad-request", message);
    }
}
