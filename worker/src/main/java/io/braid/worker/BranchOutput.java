package io.braid.worker;

import io.braid.schema.TokenUsage;
import io.braid.schema.ToolInvocation;

import java.time.Duration;
import java.util.List;

/**
 * What a branch produced: its text output; for model calls the configured model, the provider's name for it,
 * token usage and the time spent waiting for the model; for agents the tool calls made.
 */
public record BranchOutput(String text, String model, String providerModel, TokenUsage usage, Duration modelLatency,
                           List<ToolInvocation> toolCalls) {

    public BranchOutput {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static BranchOutput text(String text) {
        return new BranchOutput(text, null, null, null, null, List.of());
    }
}
