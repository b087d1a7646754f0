package io.braid.worker.internal.trace;

import io.braid.schema.trace.SpanAttributes;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.braid.worker.internal.config.ModelSpec;
import io.opentelemetry.api.trace.SpanKind;

import java.util.List;

/**
 * Model and tool call spans by OpenTelemetry's GenAI conventions: {@code chat <model>} (kind CLIENT) with the
 * provider, the requested and the answering model and the token usage; {@code execute_tool <tool>} (INTERNAL).
 * No prompt or answer text is recorded.
 */
public final class GenAiSpans {

    private GenAiSpans() {
    }

    /**
     * Starts the span of one call of configured model {@code name} ({@code spec}: null when not configured) under
     * the current context.
     */
    public static BranchTracing.Traced chat(String name, ModelSpec spec, ChatRequest request) {
        if (!BranchTracing.current().on()) {
            return BranchTracing.Traced.NONE;
        }
        String requested = request.modelName() != null ? request.modelName()
                : spec != null && spec.modelName() != null ? spec.modelName() : name;
        String provider = spec == null || spec.provider() == null ? "unknown" : spec.provider().configName();
        BranchTracing.Traced call = BranchTracing.start("chat " + requested, SpanKind.CLIENT)
                .attribute(Attributes.OPERATION, "chat")
                .attribute(Attributes.PROVIDER, provider)
                .attribute(Attributes.SYSTEM, provider)
                .attribute(Attributes.REQUEST_MODEL, requested)
                .attribute(SpanAttributes.MODEL, name);
        if (request.maxOutputTokens() != null) {
            call.attribute(Attributes.REQUEST_MAX_TOKENS, request.maxOutputTokens());
        }
        return call;
    }

    /** The call answered: its response model, id, finish reason and token usage (when reported); ends the span. */
    public static void answered(BranchTracing.Traced call, ChatResponse response) {
        if (call.span == null) {
            return;
        }
        if (response.metadata() != null) {
            call.attribute(Attributes.RESPONSE_MODEL, response.metadata().modelName())
                    .attribute(Attributes.RESPONSE_ID, response.metadata().id());
            if (response.metadata().finishReason() != null) {
                call.span.setAttribute(io.opentelemetry.api.common.AttributeKey.stringArrayKey(
                        Attributes.FINISH_REASONS), List.of(response.metadata().finishReason().name().toLowerCase(
                        java.util.Locale.ROOT)));
            }
        }
        TokenUsage usage = response.tokenUsage();
        if (usage != null && usage.inputTokenCount() != null) {
            call.attribute(Attributes.INPUT_TOKENS, usage.inputTokenCount());
        }
        if (usage != null && usage.outputTokenCount() != null) {
            call.attribute(Attributes.OUTPUT_TOKENS, usage.outputTokenCount());
        }
        call.end(null, null);
    }

    /** Starts the span of one call of tool {@code name} ({@code callId}: the model's id of the call, or null). */
    public static BranchTracing.Traced tool(String name, String callId) {
        if (!BranchTracing.current().on()) {
            return BranchTracing.Traced.NONE;
        }
        return BranchTracing.start("execute_tool " + name, SpanKind.INTERNAL)
                .attribute(Attributes.OPERATION, "execute_tool")
                .attribute(Attributes.TOOL_NAME, name)
                .attribute(Attributes.TOOL_TYPE, "function")
                .attribute(Attributes.TOOL_CALL_ID, callId);
    }
}
