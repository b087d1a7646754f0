package io.braid.orchestrator.internal.console;

/**
 * Cuts the strings the console keeps, so a record on a topic cannot make its index big: names (ids, tenant, worker,
 * model, error class) at {@link #NAME_CHARS}, messages at the console's {@code --console-max-output-chars}. A cut
 * string ends with {@link #MARK}.
 */
final class Cut {

    /** The most characters of a name the console keeps. */
    static final int NAME_CHARS = 256;
    /** What ends a cut string. */
    static final String MARK = "…";

    private Cut() {
    }

    /** {@code text} cut at {@link #NAME_CHARS}. */
    static String name(String text) {
        return cut(text, NAME_CHARS);
    }

    /** {@code text} (null stays null) cut at {@code max} characters, marked when cut. */
    static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + MARK;
    }
}
