package io.braid.schema.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer tokens of Braid's HTTP servers, kept only as SHA-256 digests: equal-length digests compared with
 * {@link MessageDigest#isEqual} take the same time whatever the presented token.
 */
public final class BearerTokens {

    private BearerTokens() {
    }

    /** The SHA-256 digest of {@code token} (surrounding white space removed). */
    public static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.strip().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The digest of the token in an {@code Authorization: Bearer ...} header, or null when it carries none. */
    public static byte[] presented(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return digest(authorization.substring(7));
    }
}
