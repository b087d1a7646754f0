package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.CompletionMode;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.ControlAction;
import io.braid.schema.FailurePolicy;
import io.braid.schema.JobControl;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.LlmCall;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The join's pure function over any sequence of inputs a hostile client could write — manifests with any policy,
 * window and budget, results for any branch, round and dispatch with any usage and cost, cancels and replays — and
 * deadlines passing: it never throws, and it
 * publishes at most one result per round, for its own job.
 */
class JoinFuzzTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final JoinSettings SETTINGS = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofSeconds(1)).withMaxResultBytes(4096);
    private static final String[] BRANCHES = {"a", "b", "c", FinalAggregation.BRANCH_ID, "", "a/b"};
    private static final String[] DISPATCHES = {"d1", "d2", null};

    @FuzzTest(maxDuration = "10s")
    void any_sequence_of_inputs_is_joined_without_exceptions_and_answered_once_per_round(FuzzedDataProvider data) {
        JobJoinState state = JobJoin.empty("job");
        Instant now = T0;
        Set<Integer> answeredRounds = new HashSet<>();
        int steps = data.consumeInt(1, 40);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            now = now.plusMillis(data.consumeInt(0, 90_000));
            JobJoin.Step step = data.consumeInt(0, 9) == 0 ? JobJoin.deadlinePassed(state, now, SETTINGS)
                    : JobJoin.apply(state, input(data, now), now, SETTINGS);
            if (step.completed().isPresent()) {
                JobResult result = step.completed().get();
                if (!result.getJobId().equals("job") || !answeredRounds.add(result.getRound())) {
                    throw new AssertionError("a second result for round " + result.getRound() + ": " + result);
                }
            }
            state = step.state();
        }
    }

    private static JoinInput input(FuzzedDataProvider data, Instant now) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> new JoinInput.Manifest(manifest(data));
            case 1 -> new JoinInput.Result(result(data));
            default -> new JoinInput.Control(JobControl.newBuilder().setJobId("job").setRound(data.consumeInt(-1, 4))
                    .setAction(data.consumeBoolean() ? ControlAction.CANCEL : ControlAction.REPLAY)
                    .setReason(data.consumeString(20)).setAt(now.plusSeconds(data.consumeInt(-600, 600)))
                    .setBranches(data.consumeBoolean() ? List.of() : List.of(pick(data, BRANCHES)))
                    .setModel(data.consumeBoolean() ? null : "m").build());
        };
    }

    private static JobManifest manifest(FuzzedDataProvider data) {
        List<BranchRef> refs = new ArrayList<>();
        List<BranchSpec> specs = new ArrayList<>();
        int count = data.consumeInt(0, 4);
        for (int i = 0; i < count; i++) {
            String id = pick(data, BRANCHES);
            BranchKind kind = data.pickValue(BranchKind.values());
            refs.add(new BranchRef(id, kind));
            specs.add(BranchSpec.newBuilder().setBranchId(id).setKind(kind)
                    .setLlm(LlmCall.newBuilder().setUserPrompt(data.consumeString(30)).build()).build());
        }
        AggregationStrategy strategy = data.pickValue(AggregationStrategy.values());
        return JobManifest.newBuilder().setJobId("job").setRound(data.consumeInt(0, 3))
                .setSubmittedAt(T0.plusSeconds(data.consumeInt(-100, 100))).setDispatchedAt(T0)
                .setBranches(refs).setSpecs(data.consumeBoolean() ? specs : List.of())
                .setCompletion(CompletionPolicy.newBuilder().setMode(data.pickValue(CompletionMode.values()))
                        .setQuorum(data.consumeBoolean() ? null : data.consumeInt(-2, 6))
                        .setDeadlineMs(data.consumeBoolean() ? null : (long) data.consumeInt(-5, 100_000))
                        .setOnBranchFailure(data.pickValue(FailurePolicy.values()))
                        .setToleratedFailures(data.consumeBoolean() ? null : data.consumeInt(-1, 5))
                        .setToleratedFailurePercent(data.consumeBoolean() ? null : data.consumeDouble()).build())
                .setMaxConcurrency(data.consumeBoolean() ? null : data.consumeInt(-1, 3))
                .setBudget(data.consumeBoolean() ? null : io.braid.schema.Budget.newBuilder()
                        .setTokens(data.consumeBoolean() ? null : (long) data.consumeInt(-5, 50))
                        .setCost(data.consumeBoolean() ? null : data.consumeDouble()).build())
                .setAggregation(AggregationSpec.newBuilder().setStrategy(strategy)
                        .setTemplate(data.consumeBoolean() ? null : data.consumeString(40))
                        .setScorer(data.consumeBoolean() ? null : data.consumeString(10))
                        .setPrompt(data.consumeBoolean() ? null : data.consumeString(20)).build())
                .setInputs(Map.of(data.consumeString(5), data.consumeString(20)))
                .setDispatchId(pick(data, DISPATCHES))
                .setRejection(data.consumeInt(0, 7) == 0 ? new BranchError("InvalidJob", "no", false) : null)
                .build();
    }

    private static BranchResult result(FuzzedDataProvider data) {
        BranchStatus status = data.pickValue(BranchStatus.values());
        return BranchResult.newBuilder().setJobId("job").setBranchId(pick(data, BRANCHES))
                .setRound(data.consumeInt(0, 4)).setStatus(status)
                .setOutput(data.consumeBoolean() ? null : data.consumeString(data.consumeInt(0, 3000)))
                .setError(status == BranchStatus.SUCCEEDED ? null : new BranchError("E", data.consumeString(20),
                        data.consumeBoolean()))
                .setWorkerId(data.consumeBoolean() ? "w" : "child job job/" + pick(data, BRANCHES))
                .setStartedAt(T0).setFinishedAt(T0.plusMillis(data.consumeInt(-1000, 1000)))
                .setDispatchId(pick(data, DISPATCHES))
                .setUsage(data.consumeBoolean() ? null : new io.braid.schema.TokenUsage(data.consumeInt(-5, 40),
                        data.consumeInt(0, 40)))
                .setCost(data.consumeBoolean() ? null : data.consumeDouble()).build();
    }

    private static String pick(FuzzedDataProvider data, String[] values) {
        return values[data.consumeInt(0, values.length - 1)];
    }
}
