package io.braid.worker.internal.execute;

import dev.langchain4j.exception.NonRetriableException;
import io.braid.schema.BranchTask;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Fills {@code {{name}}} placeholders from a job's inputs and {@code {{metadata.name}}} from its metadata. A
 * placeholder with no value is a non-retriable error naming it: the job is wrong, and trying again cannot help.
 *
 * <p>One pass over the template: a placeholder inside a value is text, never filled in turn. The values of a final
 * aggregation step are branch outputs, which anyone's model or tool may have written; refilled, outputs naming
 * each other would grow the prompt tenfold per branch.
 */
final class Templates {

    private static final String METADATA = "metadata.";

    private Templates() {
    }

    /** {@code template} filled from the task's job inputs and metadata. */
    public static String fill(String template, BranchTask task) {
        return fill(template, task, UnaryOperator.identity());
    }

    /** As {@link #fill(String, BranchTask)}, passing each value through {@code escape} first (e.g. for JSON). */
    public static String fill(String template, BranchTask task, UnaryOperator<String> escape) {
        return fill(template, task.getInputs(), task.getMetadata(), escape);
    }

    /** {@code template} with every placeholder replaced from {@code inputs}. */
    public static String fill(String template, Map<String, String> inputs) {
        return fill(template, inputs, Map.of(), UnaryOperator.identity());
    }

    static String fill(String template, Map<String, String> inputs, Map<String, String> metadata,
                       UnaryOperator<String> escape) {
        return io.braid.schema.Placeholders.fill(template, inputs, metadata, escape, name -> {
            throw new NonRetriableException(name.startsWith(METADATA)
                    ? "the template refers to {{" + name + "}} but the job's metadata has no '"
                    + name.substring(METADATA.length()) + "'; job metadata: " + metadata.keySet()
                    : "the template refers to {{" + name + "}} but the job has no input '" + name
                    + "'; job inputs: " + inputs.keySet());
        });
    }
}
