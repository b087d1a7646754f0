package io.braid.schema;

/**
 * What ended a job round: the name written in {@code JobResult.completedBy} (a string on the wire, so a reader of an
 * older or newer Braid still reads it; {@link #of(String)} maps it back).
 */
public enum CompletedBy {
    /** Every branch finished. */
    ALL,
    /** The job's quorum of branches succeeded. */
    QUORUM,
    /** A branch succeeded and the job wanted the first. */
    FIRST,
    /** A branch failed and the job's failure policy is FAIL_FAST. */
    FAIL_FAST,
    /** The job's deadline passed first; unfinished branches are MISSING. */
    DEADLINE,
    /** Cancelled through the control topic (the API, {@code braid cancel}). */
    CANCELLED,
    /** The dispatcher refused the job; its result carries the rejection. */
    REJECTED,
    /** The job's budget (tokens or cost) was spent; unfinished branches are CANCELLED. */
    BUDGET,
    /** More branches failed than the job tolerates ({@code completion.toleratedFailures} or its percentage). */
    TOO_MANY_FAILURES;

    /** The enum for a wire name; null for null. Throws for a name this Braid does not know. */
    public static CompletedBy of(String name) {
        return name == null ? null : valueOf(name);
    }
}
