package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.Placeholders;
import io.braid.schema.ToolInvocation;

import java.util.Map;
import java.util.Optional;

/**
 * A branch as the console's detail panel shows it, from the aggregator's state of its job: what it was asked (the
 * prompt with the job's inputs filled in, as the worker fills it), and its latest result — output, error, token
 * usage, cost, tool calls. Long texts are cut at {@code maxChars}, saying how long they were.
 */
final class BranchDetail {

    private BranchDetail() {
    }

    /** The branch's detail; empty when the job's state has no such branch. */
    static Optional<ObjectNode> of(JobJoinState state, String branchId, int maxChars) {
        JobManifest manifest = state.getManifest();
        BranchSpec spec = manifest == null ? null : manifest.getSpecs().stream()
                .filter(s -> s.getBranchId().equals(branchId)).findFirst().orElse(null);
        BranchResult result = state.getResults().get(branchId);
        if (spec == null && result == null) {
            return Optional.empty();
        }
        ObjectNode node = JobEntry.JSON.createObjectNode().put("jobId", state.getJobId()).put("branchId", branchId);
        if (spec != null) {
            request(node.putObject("request"), spec, manifest, maxChars);
        }
        if (result != null) {
            result(node.putObject("result"), result, maxChars);
        }
        return Optional.of(node);
    }

    /** The branch's whole output, for the link behind a cut one. */
    static Optional<String> fullOutput(JobJoinState state, String branchId) {
        BranchResult result = state.getResults().get(branchId);
        return result == null ? Optional.empty() : Optional.ofNullable(result.getOutput());
    }

    private static void request(ObjectNode request, BranchSpec spec, JobManifest manifest, int maxChars) {
        request.put("kind", spec.getKind().name());
        Map<String, String> inputs = manifest.getInputs();
        Map<String, String> metadata = manifest.getMetadata();
        if (spec.getLlm() != null) {
            request.put("model", spec.getLlm().getModel());
            cut(request, "systemPrompt", fill(spec.getLlm().getSystemPrompt(), inputs, metadata), maxChars);
            cut(request, "userPrompt", fill(spec.getLlm().getUserPrompt(), inputs, metadata), maxChars);
        } else if (spec.getAgent() != null) {
            request.put("model", spec.getAgent().getModel());
            cut(request, "systemPrompt", fill(spec.getAgent().getSystemPrompt(), inputs, metadata), maxChars);
            cut(request, "userPrompt", fill(spec.getAgent().getPrompt(), inputs, metadata), maxChars);
            request.put("tools", String.join(", ", spec.getAgent().getTools()));
        } else if (spec.getTool() != null) {
            request.put("tool", spec.getTool().getName());
            cut(request, "arguments", fillJson(spec.getTool().getArgumentsJson(), inputs, metadata), maxChars);
        } else if (spec.getJob() != null) {
            cut(request, "childJob", spec.getJob(), maxChars);
        }
    }

    private static void result(ObjectNode node, BranchResult result, int maxChars) {
        node.put("status", result.getStatus().name()).put("round", result.getRound())
                .put("attempt", result.getAttempt()).put("workerId", result.getWorkerId())
                .put("model", result.getModel()).put("providerModel", result.getProviderModel())
                .put("startedAt", JobEntry.text(result.getStartedAt()))
                .put("finishedAt", JobEntry.text(result.getFinishedAt())).put("hedgedCalls", result.getHedgedCalls());
        if (result.getLatencyMs() != null) {
            node.put("latencyMs", result.getLatencyMs());
        }
        cut(node, "output", result.getOutput(), maxChars);
        if (result.getError() != null) {
            node.putObject("error").put("errorClass", result.getError().getErrorClass())
                    .put("message", result.getError().getMessage()).put("retriable", result.getError().getRetriable());
        }
        if (result.getUsage() != null) {
            node.putObject("usage").put("inputTokens", result.getUsage().getInputTokens())
                    .put("outputTokens", result.getUsage().getOutputTokens());
        }
        if (result.getCost() != null) {
            node.put("cost", result.getCost());
        }
        for (ToolInvocation call : result.getToolCalls()) {
            ObjectNode row = node.withArray("toolCalls").addObject().put("name", call.getName())
                    .put("durationMs", call.getDurationMs()).put("error", call.getError());
            cut(row, "arguments", call.getArgumentsJson(), maxChars);
            cut(row, "output", call.getOutput(), maxChars);
        }
    }

    /** Puts {@code text} cut at {@code maxChars}; when cut, {@code <name>Chars} says its whole length. */
    static void cut(ObjectNode node, String name, String text, int maxChars) {
        if (text == null) {
            return;
        }
        if (text.length() <= maxChars) {
            node.put(name, text);
            return;
        }
        node.put(name, text.substring(0, maxChars));
        node.put(name + "Chars", text.length());
    }

    /** The placeholders filled as the worker fills them; one with no value left as written. */
    static String fill(String template, Map<String, String> inputs, Map<String, String> metadata) {
        return Placeholders.fill(template, inputs, metadata, v -> v, name -> "{{" + name + "}}");
    }

    /** Tool arguments: each value JSON-escaped, as the worker does. */
    static String fillJson(String template, Map<String, String> inputs, Map<String, String> metadata) {
        return Placeholders.fill(template, inputs, metadata, v -> {
            String quoted = com.fasterxml.jackson.databind.node.TextNode.valueOf(v).toString();
            return quoted.substring(1, quoted.length() - 1);
        }, name -> "{{" + name + "}}");
    }
}
