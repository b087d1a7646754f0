package io.braid.orchestrator.internal.trace;

/**
 * The attribute names of the orchestrator's spans beyond those shared with the worker
 * ({@link io.braid.schema.trace.SpanAttributes}): OpenTelemetry's messaging conventions for the Kafka side, and
 * Braid's own ({@code braid.*}) for dispatches and completed jobs.
 */
final class Attributes {

    static final String MESSAGING_SYSTEM = "messaging.system";
    static final String MESSAGING_OPERATION = "messaging.operation.type";
    static final String MESSAGING_DESTINATION = "messaging.destination.name";
    static final String MESSAGING_PARTITION = "messaging.destination.partition.id";
    static final String MESSAGING_OFFSET = "messaging.kafka.offset";
    static final String MESSAGING_KEY = "messaging.kafka.message.key";

    static final String PARENT_JOB_ID = "braid.parent.job.id";
    static final String DISPATCH_ID = "braid.dispatch.id";
    static final String BRANCHES = "braid.branches";
    static final String BRANCHES_SUCCEEDED = "braid.branches.succeeded";
    static final String TASKS_PUBLISHED = "braid.tasks.published";
    static final String JOB_STATUS = "braid.job.status";
    static final String COMPLETED_BY = "braid.completed_by";
    static final String AGGREGATION = "braid.aggregation.strategy";
    static final String JOIN_TRIGGER = "braid.join.trigger";
    static final String JOB_INPUT_TOKENS = "braid.usage.input_tokens";
    static final String JOB_OUTPUT_TOKENS = "braid.usage.output_tokens";

    private Attributes() {
    }
}
