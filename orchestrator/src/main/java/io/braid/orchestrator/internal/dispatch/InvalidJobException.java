package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.ErrorClass;

import java.util.Optional;

/**
 * A job record that cannot be dispatched. The dead-letter record carries its {@link #kind()} (as
 * {@code braid.error.class}), the message, and the offending {@link #field()} when one is known; when the record's
 * jobId could be read ({@link #jobId()}), the job also gets a FAILED JobResult saying why.
 */
public class InvalidJobException extends RuntimeException {

    private final ErrorClass kind;
    private final String field;
    private final String jobId;

    public InvalidJobException(String message) {
        this(ErrorClass.InvalidJob, null, null, message, null);
    }

    public InvalidJobException(String message, Throwable cause) {
        this(ErrorClass.InvalidJob, null, null, message, cause);
    }

    public InvalidJobException(ErrorClass kind, String field, String jobId, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.field = field;
        this.jobId = jobId;
    }

    public ErrorClass kind() {
        return kind;
    }

    /** The path of the offending field, e.g. {@code branches[2].kind}, when one is known. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The jobId of the record, when it could be read. */
    public Optional<String> jobId() {
        return Optional.ofNullable(jobId == null || jobId.isBlank() ? null : jobId);
    }
}
