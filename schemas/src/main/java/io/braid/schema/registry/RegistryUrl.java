package io.braid.schema.registry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A schema registry URL that may carry basic-authentication credentials as user info
 * ({@code https://user:secret@registry:8081}, as Confluent's {@code basic.auth.user.info}). User name and password
 * are percent-decoded once, each on its own — {@code +} stays a plus, {@code %25} is a percent sign,
 * {@code %22} a quote, {@code %5C} a backslash, {@code %40} an at sign, {@code %3A} a colon — and a {@code %} not
 * followed by two hex digits is kept as it is. The user info ends at the last {@code @} before the path, so a
 * {@code /}, {@code ?} or {@code #} in a password must be encoded ({@code %2F}, {@code %3F}, {@code %23}).
 *
 * @param url           the URL without user info
 * @param authorization the {@code Authorization} header value ({@code Basic ...}), or null without user info
 */
public record RegistryUrl(String url, String authorization) {

    /** Splits {@code url} into the URL to call and its credentials. */
    public static RegistryUrl parse(String url) {
        int scheme = url.indexOf("://");
        int at = userInfoEnd(url);
        if (scheme < 0 || at < 0) {
            return new RegistryUrl(url, null);
        }
        String userInfo = url.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return new RegistryUrl(url.substring(0, scheme + 3) + url.substring(at + 1), "Basic " + credentials);
    }

    /**
     * {@code url} with {@code user} and {@code password} as its user info, each percent-encoded whole (so any
     * character may appear in them, {@code / ? # @ :} included); {@code url} itself when {@code user} is null. A URL
     * that already carries user info is refused: credentials come from one place.
     */
    public static String withCredentials(String url, String user, String password) {
        if (user == null) {
            return url;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            throw new IllegalArgumentException("schema registry URL '" + url + "' has no scheme (http:// or https://)");
        }
        if (userInfoEnd(url) >= 0) {
            throw new IllegalArgumentException("schema registry URL '" + redacted(url) + "' carries credentials and "
                    + "BRAID_REGISTRY_USERNAME is set too; give them in one place");
        }
        return url.substring(0, scheme + 3) + encode(user) + ":" + encode(password == null ? "" : password) + "@"
                + url.substring(scheme + 3);
    }

    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** {@code url} with any password replaced by {@code ***}: safe to print or log. */
    public static String redacted(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int at = userInfoEnd(url);
        if (scheme < 0 || at < 0) {
            return url;
        }
        String userInfo = url.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        return url.substring(0, scheme + 3) + user + ":***" + url.substring(at);
    }

    /** The index of the {@code @} ending the user info, or -1: the last one before the path. */
    private static int userInfoEnd(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return -1;
        }
        int start = scheme + 3;
        int at = -1;
        for (int i = start; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '@') {
                at = i;
            } else if (c == '/' || c == '?' || c == '#') {
                break;
            }
        }
        return at;
    }

    private static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                byte[] raw = Character.toString(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
                i += Character.charCount(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Never prints the credentials. */
    @Override
    public String toString() {
        return url + (authorization == null ? "" : " (with basic authentication)");
    }
}
