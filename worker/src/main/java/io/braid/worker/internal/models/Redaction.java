package io.braid.worker.internal.models;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text that leaves the worker — a provider's error body in a branch result, a dead letter, a
 * log line: the keys the worker holds, and anything shaped like a common API key or bearer token, become
 * {@value #MASK}. The patterns are the code's own (no user writes them), bounded, and linear on any input.
 */
public final class Redaction {

    /** What a secret is replaced by. */
    public static final String MASK = "[redacted]";

    /** Keys shorter than this are not searched for: they would mask ordinary words. */
    private static final int SHORTEST_KEY = 8;

    /** Key shapes; a pattern's group 1, if it has one, is a label kept before the mask. */
    private static final List<Pattern> KEY_SHAPES = List.of(
            Pattern.compile("\\b(?:sk|pk|rk)-[A-Za-z0-9_\\-]{8,}"),            // OpenAI, Anthropic (sk-ant-...)
            Pattern.compile("\\bAIza[0-9A-Za-z_\\-]{30,}"),                    // Google
            Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{20,}"),                  // GitHub
            Pattern.compile("\\bxox[abprs]-[A-Za-z0-9\\-]{10,}"),              // Slack
            Pattern.compile("(?i)(\\bbearer\\s{1,5})[A-Za-z0-9._~+/=\\-]{8,}"), // Authorization: Bearer ...
            Pattern.compile("(?i)(\\b(?:api[_-]?key|access[_-]?token|secret)[\"']?\\s{0,5}[:=]\\s{0,5}[\"']?)"
                    + "[A-Za-z0-9._~+/=\\-]{8,}"));

    private Redaction() {
    }

    /** {@code text} with every one of {@code secrets} and every key-shaped word masked. */
    public static String scrub(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String scrubbed = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= SHORTEST_KEY) {
                scrubbed = scrubbed.replace(secret, MASK);
            }
        }
        for (Pattern shape : KEY_SHAPES) {
            scrubbed = shape.matcher(scrubbed).replaceAll(shape.matcher("").groupCount() > 0 ? "$1" + MASK : MASK);
        }
        return scrubbed;
    }

    /** {@code text} with every key-shaped word masked. */
    public static String scrub(String text) {
        return scrub(text, List.of());
    }
}
