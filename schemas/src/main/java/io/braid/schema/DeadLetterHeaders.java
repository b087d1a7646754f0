package io.braid.schema;

/**
 * The headers of every dead letter Braid writes — the dispatcher's ({@code braid.jobs.dlq}), the aggregator's
 * ({@code braid.aggregator.dlq}) and the workers' ({@code braid.tasks.dlq}) — named once, for writers and readers.
 */
public final class DeadLetterHeaders {

    /** Why the record was refused (the dispatcher's: class and message in one line). */
    public static final String ERROR = "braid.error";
    /** The error class: an {@link ErrorClass} name, or an exception's simple name. */
    public static final String ERROR_CLASS = "braid.error.class";
    public static final String ERROR_MESSAGE = "braid.error.message";
    /** The path of the offending field of a refused job, when one is known (e.g. {@code branches[2].kind}). */
    public static final String ERROR_FIELD = "braid.error.field";
    /** Whether the branch's last error was retriable (workers). */
    public static final String ERROR_RETRIABLE = "braid.error.retriable";
    /** Attempts the branch had (workers). */
    public static final String ATTEMPTS = "braid.attempts";
    /** ISO-8601 instants of the branch's first and last failure (workers). */
    public static final String FIRST_FAILURE = "braid.failed.first";
    public static final String LAST_FAILURE = "braid.failed.last";
    /** Where the record came from: {@code <topic>-<partition>@<offset>}. */
    public static final String SOURCE = "braid.source";
    /** What the aggregator's dead-lettered input was: manifest, result, control, or unreadable. */
    public static final String INPUT = "braid.input";
    /** Set instead of the value when a refused record was too large to carry into the dead-letter topic. */
    public static final String VALUE_DROPPED = "braid.value.dropped";

    private DeadLetterHeaders() {
    }
}
