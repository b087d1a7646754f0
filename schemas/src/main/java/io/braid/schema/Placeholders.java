package io.braid.schema;

import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of a job's prompts and tool arguments: {@code {{name}}} from the job's inputs and
 * {@code {{metadata.name}}} from its metadata, filled in one pass (a placeholder inside a value stays text). The
 * worker fills them to run a branch; the web console to show what a branch was asked.
 */
public final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");
    private static final String METADATA = "metadata.";

    private Placeholders() {
    }

    /**
     * {@code template} (null stays null) with each placeholder replaced by its value passed through {@code escape};
     * a placeholder with no value is replaced by what {@code missing} answers for its name (which may throw).
     */
    public static String fill(String template, Map<String, String> inputs, Map<String, String> metadata,
                              UnaryOperator<String> escape, Function<String, String> missing) {
        if (template == null) {
            return null;
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = inputs.get(name);
            if (value == null && name.startsWith(METADATA)) {
                value = metadata.get(name.substring(METADATA.length()));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? missing.apply(name)
                    : escape.apply(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
