package io.braid.worker.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

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
        return token == null || token.isBlank() ? null : new ReadToken(digest(token.strip()));
    }

    /** Whether an {@code Authorization} header carries this token as {@code Bearer ...}. */
    boolean admits(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, digest(authorization.substring(7).strip()));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ReadToken[redacted]";
    }
}
