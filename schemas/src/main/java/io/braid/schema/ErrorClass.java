package io.braid.schema;

/**
 * The error classes Braid itself assigns: {@code BranchError.errorClass} in results and rejections, and the
 * {@code braid.error.class} header of dead letters. Each constant is spelt as it is on the wire ({@link #name()}).
 * A branch that fails on an exception carries the exception's simple class name instead (e.g.
 * {@code ToolArgumentsException}), so a reader must accept classes not listed here.
 */
public enum ErrorClass {
    // a job record the dispatcher refuses
    /** Neither the schema registry wire format nor a JSON object. */
    UnreadableRecord,
    /** Wire format, but the schema id is unknown to the registry or is not a JobRequest schema. */
    UnknownSchema,
    /** JSON or Avro that does not fit the JobRequest schema. */
    SchemaMismatch,
    /** Fits the schema but breaks a rule (empty branches, duplicate ids, bad quorum, a reserved field, ...). */
    InvalidJob,
    /** A job record, its fan-out or a task larger than the limits allow. */
    TooLarge,
    /** A branch names a tool or model the operator's policy does not allow the job's tenant. */
    PolicyRefused,

    // an input the aggregator refuses or fails on
    /** A result, command or manifest the join refuses (unknown branch or round, a key that is not its job id). */
    RefusedInput,
    /** A second, different job under a job id already held. */
    DuplicateJob,
    /** The join threw on an input; for a manifest or a timer, the job is answered FAILED with this class. */
    ProcessingFailed,
    /** The job result would exceed the record limit; it is answered without outputs. */
    ResultTooLarge,

    // the final aggregation
    /** The aggregation step failed. */
    AggregationFailed,
    /** The job ended before its aggregation could run. */
    NotAggregated,
    /** No branch succeeded, so there is nothing to choose from. */
    NoCandidate,
    /** The judge's answer named no candidate. */
    NoCandidateChosen,

    // a branch
    /** A child job (a JOB branch) did not succeed. */
    ChildJobFailed,
    /** The branch ran longer than its timeout. */
    TimeoutException,
    /** The branch's output is over the worker's result limit. */
    OutputTooLarge,
    /** The broker refused the branch's result record. */
    PublishRefused;

    /** An error of this class; Braid's own errors are never retried. */
    public BranchError error(String message) {
        return new BranchError(name(), message, false);
    }
}
