package io.braid.orchestrator.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.orchestrator.internal.dispatch.FanOut;
import io.braid.orchestrator.internal.dispatch.InvalidJobException;
import io.braid.schema.BranchTask;

import java.nio.charset.StandardCharsets;

/**
 * Job records built as JSON jobs from the fuzzer's choices — branch kinds, ids, completion rules, windows, budgets,
 * tolerated failures, hedges, nested child jobs — so fuzzing reaches the validator and the fan-out, which raw bytes
 * (refused early as unreadable) rarely do. The same promise as {@link JobRecordFuzzTest}: a job is fanned out or
 * refused with {@link InvalidJobException}, nothing else escapes; and a fanned-out job's tasks are its own.
 */
class StructuredJobFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] KINDS = {"LLM", "TOOL", "AGENT", "JOB", "NOPE"};
    private static final String[] MODES = {"ALL", "QUORUM", "FIRST", "SOME"};
    private static final String[] STRATEGIES = {"COLLECT", "TEMPLATE", "SYNTHESIZE", "SELECT", "VOTE"};

    @FuzzTest(maxDuration = "10s")
    void a_structured_job_is_fanned_out_or_refused(FuzzedDataProvider data) {
        byte[] record = job(data, 0).toString().getBytes(StandardCharsets.UTF_8);
        try {
            for (FanOut part : DispatchPath.fanOut(record)) {
                for (BranchTask task : part.tasks()) {
                    if (!task.getJobId().equals(part.manifest().getJobId())) {
                        throw new AssertionError("a task of " + task.getJobId() + " in the fan-out of "
                                + part.manifest().getJobId());
                    }
                }
            }
        } catch (InvalidJobException refused) {
            // the documented refusal: dead-lettered with its reason
        }
    }

    private static ObjectNode job(FuzzedDataProvider data, int depth) {
        ObjectNode job = JSON.createObjectNode();
        if (depth == 0 || data.consumeBoolean()) {
            job.put("jobId", data.consumeString(12));
        }
        ArrayNode branches = job.putArray("branches");
        int count = data.consumeInt(0, 6);
        for (int i = 0; i < count; i++) {
            branches.add(branch(data, depth));
        }
        if (data.consumeBoolean()) {
            ObjectNode completion = job.putObject("completion");
            completion.put("mode", data.pickValue(MODES));
            maybeInt(data, completion, "quorum");
            maybeLong(data, completion, "deadlineMs");
            maybeInt(data, completion, "toleratedFailures");
            if (data.consumeBoolean()) {
                completion.put("toleratedFailurePercent", data.consumeRegularDouble());
            }
        }
        if (data.consumeBoolean()) {
            ObjectNode aggregation = job.putObject("aggregation");
            aggregation.put("strategy", data.pickValue(STRATEGIES));
            if (data.consumeBoolean()) {
                aggregation.put("template", data.consumeString(20));
            }
        }
        maybeInt(data, job, "maxConcurrency");
        if (data.consumeBoolean()) {
            ObjectNode budget = job.putObject("budget");
            maybeLong(data, budget, "tokens");
            if (data.consumeBoolean()) {
                budget.put("cost", data.consumeRegularDouble());
            }
        }
        if (data.consumeBoolean()) {
            job.set("hedge", hedge(data));
        }
        if (data.consumeBoolean()) {
            job.putObject("metadata").put(data.consumeString(8), data.consumeString(8));
        }
        return job;
    }

    private static ObjectNode branch(FuzzedDataProvider data, int depth) {
        ObjectNode branch = JSON.createObjectNode();
        branch.put("branchId", data.consumeString(8));
        String kind = data.pickValue(KINDS);
        branch.put("kind", kind);
        switch (data.consumeInt(0, 4)) {
            case 0 -> branch.putObject("llm").put("userPrompt", data.consumeString(16));
            case 1 -> branch.putObject("tool").put("name", data.consumeString(10)).put("argumentsJson",
                    data.consumeString(16));
            case 2 -> branch.putObject("agent").put("prompt", data.consumeString(16)).put("maxSteps",
                    data.consumeInt(-2, 30));
            case 3 -> {
                if (depth < 6) {
                    branch.set("job", job(data, depth + 1));
                }
            }
            default -> {
            }
        }
        maybeLong(data, branch, "timeoutMs");
        maybeInt(data, branch, "maxAttempts");
        if (data.consumeBoolean()) {
            branch.set("hedge", hedge(data));
        }
        return branch;
    }

    private static ObjectNode hedge(FuzzedDataProvider data) {
        ObjectNode hedge = JSON.createObjectNode();
        maybeLong(data, hedge, "afterMs");
        if (data.consumeBoolean()) {
            hedge.put("model", data.consumeString(8));
        }
        return hedge;
    }

    private static void maybeInt(FuzzedDataProvider data, ObjectNode node, String field) {
        if (data.consumeBoolean()) {
            node.put(field, data.consumeInt());
        }
    }

    private static void maybeLong(FuzzedDataProvider data, ObjectNode node, String field) {
        if (data.consumeBoolean()) {
            node.put(field, data.consumeLong());
        }
    }
}
