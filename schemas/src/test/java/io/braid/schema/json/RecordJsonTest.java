package io.braid.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchError;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import io.braid.schema.TokenUsage;
import io.braid.schema.ToolCall;
import io.braid.schema.ToolInvocation;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every record Braid writes prints as JSON ({@code braid result --json}, {@code braid dlq --json}) and reads back
 * equal, timestamps included (printed as ISO-8601 instants).
 */
class RecordJsonTest {

    private static final Instant SUBMITTED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant STARTED = Instant.parse("2026-03-01T10:00:00.250Z");
    private static final Instant FINISHED = Instant.parse("2026-03-01T10:00:01.125Z");

    /** Prints {@code record} as JSON text, reads the text back and checks it is the same record. */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> JsonNode roundTrip(T record) {
        String printed = AvroJson.toJson(record).toPrettyString();
        T read = AvroJson.fromJson(printed, (Class<T>) record.getClass());
        assertThat(read).isEqualTo(record);
        return AvroJson.readTree(printed);
    }

    private static BranchOutcome succeeded(String id) {
        return BranchOutcome.newBuilder().setBranchId(id).setStatus(BranchStatus.SUCCEEDED).setKind(BranchKind.LLM)
                .setOutput("ok " + id).setAttempt(1).setWorkerId("w1").setStartedAt(STARTED).setFinishedAt(FINISHED)
                .setModel("fast").setUsage(new TokenUsage(12, 34)).setLatencyMs(800L).setProviderModel("m-2026")
                .build();
    }

    private static BranchOutcome failedAgent() {
        return BranchOutcome.newBuilder().setBranchId("agent").setStatus(BranchStatus.FAILED)
                .setKind(BranchKind.AGENT).setError(new BranchError("ToolException", "flight_search: 503", true))
                .setAttempt(3).setWorkerId("w2").setStartedAt(STARTED).setFinishedAt(FINISHED)
                .setToolCalls(List.of(ToolInvocation.newBuilder().setName("flight_search")
                        .setArgumentsJson("{\"from\":\"LYS\"}").setError("503 Service Unavailable")
                        .setDurationMs(120).build()))
                .build();
    }

    private static JobResult.Builder result(JobStatus status, String completedBy) {
        return JobResult.newBuilder().setJobId("job-1").setStatus(status).setCompletedBy(completedBy)
                .setBranches(List.of()).setSubmittedAt(SUBMITTED).setCompletedAt(FINISHED)
                .setMetadata(Map.of("team", "search"));
    }

    @Test
    void a_succeeded_result_prints_and_reads_back() {
        roundTrip(result(JobStatus.SUCCEEDED, "ALL").setOutput("{\"a\":\"ok a\"}")
                .setBranches(List.of(succeeded("a"))).build());
    }

    @Test
    void a_partial_result_with_a_failed_branch_prints_its_timestamps_as_instants() {
        JobResult partial = result(JobStatus.PARTIAL, "ALL").setRound(2).setAggregation(AggregationStrategy.COLLECT)
                .setOutput("{\"a\":\"ok a\"}").setBranches(List.of(succeeded("a"), failedAgent(),
                        BranchOutcome.newBuilder().setBranchId("late").setStatus(BranchStatus.MISSING).build()))
                .build();

        JsonNode printed = roundTrip(partial);

        JsonNode failed = printed.get("branches").get(1);
        assertThat(failed.get("startedAt").textValue()).isEqualTo("2026-03-01T10:00:00.250Z");
        assertThat(failed.get("finishedAt").textValue()).isEqualTo("2026-03-01T10:00:01.125Z");
        assertThat(failed.get("error").get("retriable").booleanValue()).isTrue();
        assertThat(failed.get("toolCalls").get(0).get("error").textValue()).isEqualTo("503 Service Unavailable");
        assertThat(printed.get("branches").get(2).get("startedAt").isNull()).isTrue();
        assertThat(printed.get("submittedAt").textValue()).isEqualTo("2026-03-01T10:00:00Z");
    }

    @Test
    void a_result_failed_by_rejection_prints_and_reads_back() {
        roundTrip(result(JobStatus.FAILED, "REJECTED")
                .setRejection(new BranchError("SchemaMismatch", "jobId: expected a string", false)).build());
    }

    @Test
    void a_cancelled_result_and_one_whose_aggregation_failed_print_and_read_back() {
        roundTrip(result(JobStatus.CANCELLED, "CANCEL").setBranches(List.of(succeeded("a"),
                BranchOutcome.newBuilder().setBranchId("b").setStatus(BranchStatus.CANCELLED).build())).build());
        roundTrip(result(JobStatus.FAILED, "ALL").setAggregation(AggregationStrategy.SYNTHESIZE)
                .setAggregationError(new BranchError("ModelException", "timeout", true))
                .setBranches(List.of(succeeded("a"))).build());
    }

    @ParameterizedTest
    @EnumSource(JobEventType.class)
    void every_job_event_type_prints_and_reads_back(JobEventType type) {
        roundTrip(JobEvent.newBuilder().setJobId("job-1").setRound(1).setType(type).setBranchId("a")
                .setBranchStatus(type == JobEventType.BRANCH_FINISHED ? BranchStatus.TIMED_OUT : null)
                .setWorkerId("w1").setAttempt(2).setAt(FINISHED).setMessage(type.name().toLowerCase())
                .setStartedAt(type == JobEventType.BRANCH_FINISHED ? STARTED : null).build());
    }

    @Test
    void a_branch_result_prints_and_reads_back() {
        roundTrip(BranchResult.newBuilder().setJobId("job-1").setBranchId("agent").setStatus(BranchStatus.FAILED)
                .setError(new BranchError("ToolException", "boom", false)).setAttempt(2).setWorkerId("w1")
                .setStartedAt(STARTED).setFinishedAt(FINISHED).setFirstFailedAt(SUBMITTED).setLatencyMs(5L)
                .setUsage(new TokenUsage(1, 2)).setToolCalls(failedAgent().getToolCalls()).build());
    }

    @ParameterizedTest
    @EnumSource(ControlAction.class)
    void a_job_control_prints_and_reads_back(ControlAction action) {
        roundTrip(JobControl.newBuilder().setJobId("job-1").setRound(2).setAction(action).setReason("by hand")
                .setAt(FINISHED).setBranches(List.of("agent")).setModel("smart").build());
    }

    @Test
    void a_task_a_manifest_and_a_join_state_print_and_read_back() {
        BranchSpec llm = BranchSpec.newBuilder().setBranchId("a").setKind(BranchKind.LLM).setTimeoutMs(30_000L)
                .setLlm(LlmCall.newBuilder().setUserPrompt("{{x}}").setTemperature(Double.NaN).build()).build();
        BranchSpec tool = BranchSpec.newBuilder().setBranchId("t").setKind(BranchKind.TOOL)
                .setTool(new ToolCall("calculator", "{\"expression\":\"1+1\"}")).build();
        JobManifest manifest = JobManifest.newBuilder().setJobId("job-1").setSubmittedAt(SUBMITTED)
                .setDispatchedAt(STARTED).setBranches(List.of(new BranchRef("a", BranchKind.LLM)))
                .setSpecs(List.of(llm, tool)).setInputs(Map.of("x", "1")).build();

        roundTrip(BranchTask.newBuilder().setJobId("job-1").setBranch(llm).setDispatchedAt(STARTED).build());
        roundTrip(manifest);
        roundTrip(JobJoinState.newBuilder().setJobId("job-1").setManifest(manifest)
                .setResults(Map.of("a", BranchResult.newBuilder().setJobId("job-1").setBranchId("a")
                        .setStatus(BranchStatus.SUCCEEDED).setWorkerId("w").setStartedAt(STARTED)
                        .setFinishedAt(FINISHED).build()))
                .setCompletedRound(1).setCompletedAt(FINISHED).setCompletedStatus(JobStatus.SUCCEEDED).build());
    }
}
