package io.braid.worker.execute;

import dev.langchain4j.exception.NonRetriableException;

import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fills {@code {{name}}} placeholders from a job's inputs. */
public final class Templates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    private Templates() {
    }

    /** {@code template} with every placeholder replaced; a missing input is a non-retriable error naming it. */
    public static String fill(String template, Map<String, String> inputs) {
        return fill(template, inputs, UnaryOperator.identity());
    }

    /** As {@link #fill(String, Map)}, passing each value through {@code escape} first (e.g. for JSON). */
    public static String fill(String template, Map<String, String> inputs, UnaryOperator<String> escape) {
        if (template == null) {
            return null;
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = inputs.get(name);
            if (value == null) {
                throw new NonRetriableException("the template refers to {{" + name + "}} but the job has no input '"
                        + name + "'; job inputs: " + inputs.keySet());
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(escape.apply(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
