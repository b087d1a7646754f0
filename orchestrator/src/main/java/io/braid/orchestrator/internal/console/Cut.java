package io.braid.orchestrator.internal.console;

/**
 * Cuts the strings the console keeps, so a record on a topic cannot make its index big: names (ids, tenant, worker,
 * model, error class) at {@code nameChars} ({@code --console-max-name-chars}), messages at the console's
 * {@code --console-max-output-chars}. A cut string ends with {@link #MARK}.
 *
 * @param nameChars the most characters of a name the console keeps
 */
record Cut(int nameChars) {

    /** What ends a cut string. */
    static final String MARK = "…";

    /** {@code text} cut at {@link #nameChars}. */
    String name(String text) {
        return cut(text, nameChars);
    }

    /** {@code text} (null stays null) cut at {@code max} characters, marked when cut. */
    static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + MARK;
    }
}
