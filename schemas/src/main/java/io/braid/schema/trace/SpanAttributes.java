package io.braid.schema.trace;

/**
 * The attribute names Braid's spans share between the orchestrator and the worker: Braid's own ({@code braid.*})
 * for jobs, rounds and branches, and OpenTelemetry's for errors. See README "Tracing" for every span and attribute.
 */
public final class SpanAttributes {

    public static final String JOB_ID = "braid.job.id";
    public static final String ROUND = "braid.round";
    public static final String BRANCH_ID = "braid.branch.id";
    public static final String MODEL = "braid.model";
    public static final String ERROR_TYPE = "error.type";

    private SpanAttributes() {
    }
}
