package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;
import io.braid.schema.BranchStatus;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobEventType;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobRequest;
import io.braid.schema.policy.PolicySettings;
import io.braid.schema.policy.UsePolicy;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.apply;
import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.dispatched;
import static io.braid.orchestrator.internal.aggregate.JoinWindowTest.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replay that names a model is judged by the operator's policy where the join accepts it, as the dispatcher judged
 * the job: otherwise a replay could move a tenant's branches onto a model it may not use.
 */
class ReplayPolicyTest {

    private static final JoinSettings SETTINGS = JoinSettings.defaults().withPolicy(new UsePolicy(new PolicySettings(
            PolicySettings.Mode.DENY,
            Map.of("interns", new PolicySettings.Grant(List.of("calculator"), List.of("fast"))), Map.of())));

    /** Job {@code jobId} of tenant interns, completed with every branch failed. */
    private static JobJoinState failedJob(String jobId) {
        JobRequest job = JobFixtures.llmJob(jobId, 2);
        job.setMetadata(Map.of("tenant", "interns"));
        JobJoinState state = apply(JobJoin.empty(jobId), dispatched(job, null).manifest()).state();
        state = apply(state, result(jobId, "b1", BranchStatus.FAILED)).state();
        return apply(state, result(jobId, "b2", BranchStatus.FAILED)).state();
    }

    private static JobJoin.Step replay(JobJoinState state, String model) {
        JobControl control = JobControl.newBuilder().setJobId(state.getJobId()).setRound(0)
                .setAction(ControlAction.REPLAY).setReason("again").setAt(JobFixtures.T0).setModel(model).build();
        return JobJoin.apply(state, new JoinInput.Control(control), JobFixtures.T0.plusSeconds(2), SETTINGS);
    }

    @Test
    void a_replay_onto_a_model_the_tenant_may_not_use_is_rejected_naming_it() {
        JobJoinState failed = failedJob("rp1");
        assertThat(failed.getCompletedRound()).isEqualTo(1);

        JobJoin.Step step = replay(failed, "judge");

        assertThat(step.tasks()).isEmpty();
        assertThat(step.state()).isSameAs(failed);
        assertThat(step.events()).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo(JobEventType.REPLAY_REJECTED);
            assertThat(event.getMessage()).contains("branch b1 may not run on model 'judge'", "tenant 'interns'",
                    "policy.tenants.interns.models: [fast]");
        });
        assertThat(Replay.preview(failed, JobControl.newBuilder().setJobId("rp1").setAction(ControlAction.REPLAY)
                .setReason("dry").setAt(JobFixtures.T0).setModel("judge").build(), JobFixtures.T0, SETTINGS)
                .wouldReplay()).as("the dry run answers as the replay would").isFalse();
    }

    @Test
    void a_replay_onto_an_allowed_model_opens_the_next_round_on_it() {
        JobJoin.Step step = replay(failedJob("rp2"), "fast");

        assertThat(step.events()).singleElement().satisfies(event ->
                assertThat(event.getType()).isEqualTo(JobEventType.JOB_REPLAYED));
        assertThat(step.tasks()).hasSize(2).allSatisfy(task -> {
            assertThat(task.getRound()).isEqualTo(2);
            assertThat(task.getBranch().getLlm().getModel()).isEqualTo("fast");
        });
    }
}
