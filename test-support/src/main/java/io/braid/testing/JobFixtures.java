package io.braid.testing;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.LlmCall;
import io.braid.schema.ToolCall;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Builders of valid records for tests. */
public final class JobFixtures {

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private JobFixtures() {
    }

    public static JobManifest manifest(String jobId, String... branchIds) {
        return JobManifest.newBuilder()
                .setJobId(jobId)
                .setSubmittedAt(T0)
                .setDispatchedAt(T0)
                .setBranches(List.of(branchIds).stream().map(id -> new BranchRef(id, BranchKind.LLM)).toList())
                .build();
    }

    public static BranchResult succeeded(String jobId, String branchId, String output) {
        return result(jobId, branchId, BranchStatus.SUCCEEDED, output);
    }

    public static BranchResult result(String jobId, String branchId, BranchStatus status, String output) {
        return BranchResult.newBuilder()
                .setJobId(jobId)
                .setBranchId(branchId)
                .setStatus(status)
                .setOutput(output)
                .setWorkerId("worker-test")
                .setStartedAt(T0)
                .setFinishedAt(T0.plusMillis(10))
                .build();
    }

    /** A job of {@code branches} LLM branches "b1".."bN" on the simulated model, prompts "prompt-bN of JOB". */
    public static JobRequest llmJob(String jobId, int branches) {
        return JobRequest.newBuilder()
                .setJobId(jobId)
                .setInputs(Map.of("topic", "job " + jobId))
                .setBranches(IntStream.rangeClosed(1, branches).mapToObj(i -> BranchSpec.newBuilder()
                        .setBranchId("b" + i)
                        .setKind(BranchKind.LLM)
                        .setLlm(LlmCall.newBuilder().setUserPrompt("prompt-b" + i + " of {{topic}}").build())
                        .build()).toList())
                .build();
    }

    public static BranchSpec toolBranch(String branchId, String tool, String argumentsJson) {
        return BranchSpec.newBuilder()
                .setBranchId(branchId)
                .setKind(BranchKind.TOOL)
                .setTool(new ToolCall(tool, argumentsJson))
                .build();
    }
}
