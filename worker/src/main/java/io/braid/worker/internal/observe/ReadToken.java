package io.braid.worker.internal.observe;

import io.braid.schema.http.BearerTokens;

import java.security.MessageDigest;

/**
 * The bearer token {@code /metrics} asks for, kept as its SHA-256 digest and compared in constant time;
 * {@code toString} never shows it. Health endpoints stay open for probes.
 */
public final class ReadToken {

    private final byte[] digest;

    private ReadToken(byte[] digest) {
        this.digest = digest;
    }

    /** The token, or null (metrics open) when {@code token} is null or blank. */
    public static ReadToken of(String token) {
        return token == null || token.isBlank() ? null : new ReadToken(BearerTokens.digest(token));
    }

    /** Whether an {@code Authorization} header carries this token as {@code Bearer ...}. */
    boolean admits(String authorization) {
        byte[] presented = BearerTokens.presented(authorization);
        return presented != null && MessageDigest.isEqual(digest, presented);
    }

    @Override
    public String toString() {
        return "ReadToken[redacted]";
    }
}
