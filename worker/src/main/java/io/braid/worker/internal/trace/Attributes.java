package io.braid.worker.internal.trace;

/**
 * The attribute names of the worker's spans beyond those shared with the orchestrator
 * ({@link io.braid.schema.trace.SpanAttributes}): OpenTelemetry's GenAI conventions for model and tool calls, and
 * Braid's own ({@code braid.*}) for attempts.
 */
final class Attributes {

    static final String BRANCH_KIND = "braid.branch.kind";
    static final String ATTEMPT = "braid.attempt";
    static final String WORKER = "braid.worker";
    static final String STATUS = "braid.branch.status";

    static final String OPERATION = "gen_ai.operation.name";
    /** The provider: {@code gen_ai.provider.name} in current conventions, {@code gen_ai.system} before 1.37. */
    static final String PROVIDER = "gen_ai.provider.name";
    static final String SYSTEM = "gen_ai.system";
    static final String REQUEST_MODEL = "gen_ai.request.model";
    static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
    static final String RESPONSE_MODEL = "gen_ai.response.model";
    static final String RESPONSE_ID = "gen_ai.response.id";
    static final String FINISH_REASONS = "gen_ai.response.finish_reasons";
    static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
    static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    static final String TOOL_NAME = "gen_ai.tool.name";
    static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
    static final String TOOL_TYPE = "gen_ai.tool.type";

    private Attributes() {
    }
}
