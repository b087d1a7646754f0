package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.internal.dispatch.FanOut;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.CompletionMode;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.Priority;
import io.braid.schema.SlotGrant;
import io.braid.schema.SlotMessage;
import io.braid.schema.SlotRelease;
import io.braid.schema.SlotRequest;
import io.braid.schema.TenantSlots;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.braid.testing.JobFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The join's side of a tenant's cap: asks once per round, publishes per grant, releases per first result. */
class CappedJobTest {

    static JobManifest cappedManifest(String jobId, int branches, Integer window, Priority priority) {
        JobRequest job = JobFixtures.llmJob(jobId, branches);
        job.setMaxConcurrency(window);
        job.setPriority(priority);
        FanOut fanOut = JoinWindowTest.dispatched(job, 256).awaitingAdmission("acme");
        assertThat(fanOut.tasks()).as("a capped job's tasks wait for admission").isEmpty();
        assertThat(fanOut.laterTasks()).hasSize(branches);
        return fanOut.manifest();
    }

    static JobJoin.Step grant(JobJoinState state, int round, int slots) {
        return JobJoin.apply(state, new JoinInput.Grant(SlotGrant.newBuilder().setTenant("acme")
                .setJobId(state.getJobId()).setRound(round).setSlots(slots).build()), T0.plusSeconds(1),
                JoinWindowTest.SETTINGS);
    }

    static List<SlotRelease> releases(JobJoin.Step step) {
        return step.slots().stream().map(SlotMessage::getBody).filter(b -> b instanceof SlotRelease)
                .map(b -> (SlotRelease) b).toList();
    }

    @Test
    void the_manifest_asks_once_for_the_jobs_tasks_and_publishes_nothing() {
        JobManifest manifest = cappedManifest("c1", 5, 3, Priority.HIGH);
        JobJoin.Step step = JoinWindowTest.apply(JobJoin.empty("c1"), manifest);
        assertThat(step.tasks()).isEmpty();
        assertThat(step.slots()).singleElement().satisfies(m -> {
            SlotRequest request = (SlotRequest) m.getBody();
            assertThat(request.getTenant()).isEqualTo("acme");
            assertThat(request.getWanted()).isEqualTo(5);
            assertThat(request.getWindow()).isEqualTo(3);
            assertThat(request.getPriority()).isEqualTo(Priority.HIGH);
        });
        JobJoin.Step again = JoinWindowTest.apply(step.state(), manifest);
        assertThat(again.slots()).as("the same manifest redelivered asks nothing more").isEmpty();
    }

    @Test
    void a_grant_publishes_that_many_tasks_and_each_first_result_releases_one_slot() {
        JobJoinState state = JoinWindowTest.apply(JobJoin.empty("c2"), cappedManifest("c2", 4, 4, Priority.NORMAL))
                .state();
        JobJoin.Step granted = grant(state, 1, 2);
        assertThat(granted.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b1", "b2");
        JobJoin.Step first = JoinWindowTest.apply(granted.state(),
                JoinWindowTest.result("c2", "b1", BranchStatus.SUCCEEDED));
        assertThat(first.tasks()).as("a capped job publishes only on grants").isEmpty();
        assertThat(releases(first)).singleElement().satisfies(r -> assertThat(r.getSlots()).isEqualTo(1));
        JobJoin.Step duplicate = JoinWindowTest.apply(first.state(),
                JoinWindowTest.result("c2", "b1", BranchStatus.SUCCEEDED));
        assertThat(duplicate.slots()).as("a redelivered result releases nothing").isEmpty();
    }

    @Test
    void a_grant_for_a_job_or_round_that_did_not_ask_is_refused() {
        JobJoinState uncapped = JoinWindowTest.apply(JobJoin.empty("u1"),
                JoinWindowTest.dispatched(JobFixtures.llmJob("u1", 2), null).manifest()).state();
        JobJoin.Step refused = grant(uncapped, 1, 5);
        assertThat(refused.tasks()).isEmpty();
        assertThat(refused.refusals()).singleElement().satisfies(r -> assertThat(r.reason()).contains("did not ask"));

        JobJoinState capped = JoinWindowTest.apply(JobJoin.empty("c3"), cappedManifest("c3", 2, null,
                Priority.NORMAL)).state();
        assertThat(grant(capped, 7, 1).refusals()).hasSize(1);
        assertThat(grant(JobJoin.empty("nobody"), 1, 1).refusals()).hasSize(1);
    }

    @Test
    void slots_a_job_cannot_use_are_given_back_at_once() {
        JobJoinState state = JoinWindowTest.apply(JobJoin.empty("c4"), cappedManifest("c4", 2, null,
                Priority.NORMAL)).state();
        JobJoin.Step step = grant(state, 1, 5);
        assertThat(step.tasks()).hasSize(2);
        assertThat(releases(step)).singleElement().satisfies(r -> assertThat(r.getSlots()).isEqualTo(3));
        assertThat(step.state().getHeldSlots()).isEqualTo(2);
    }

    @Test
    void a_branch_with_a_result_before_its_grant_is_passed_over_and_its_slot_given_back() {
        JobJoinState state = JoinWindowTest.apply(JobJoin.empty("c7"), cappedManifest("c7", 3, null,
                Priority.NORMAL)).state();
        JobJoin.Step early = JoinWindowTest.apply(state, JoinWindowTest.result("c7", "b1", BranchStatus.SUCCEEDED));
        assertThat(early.slots()).as("no slot was held for it").isEmpty();

        JobJoin.Step granted = grant(early.state(), 1, 2);
        assertThat(granted.tasks()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b2");
        assertThat(releases(granted)).singleElement().satisfies(r -> assertThat(r.getSlots()).isEqualTo(1));
        assertThat(granted.state().getHeldSlots()).isEqualTo(1);
        assertThat(granted.state().getFinishedTasks()).isEqualTo(1);
    }

    @Test
    void a_job_ending_early_withdraws_and_a_late_grant_changes_nothing() {
        JobRequest job = JobFixtures.llmJob("c5", 4);
        job.getCompletion().setMode(CompletionMode.FIRST);
        FanOut fanOut = JoinWindowTest.dispatched(job, 256).awaitingAdmission("acme");
        JobJoinState state = JoinWindowTest.apply(JobJoin.empty("c5"), fanOut.manifest()).state();
        state = grant(state, 1, 2).state();
        JobJoin.Step done = JoinWindowTest.apply(state, JoinWindowTest.result("c5", "b1", BranchStatus.SUCCEEDED));
        assertThat(done.completed()).isPresent();
        assertThat(releases(done)).singleElement().satisfies(r -> assertThat(r.getWithdraw()).isTrue());
        JobJoin.Step late = grant(done.state(), 1, 2);
        assertThat(late.tasks()).isEmpty();
        assertThat(late.slots()).isEmpty();
    }

    @Test
    void a_replay_of_a_capped_job_asks_again_for_its_round() {
        JobJoinState state = JoinWindowTest.apply(JobJoin.empty("c6"), cappedManifest("c6", 2, null,
                Priority.NORMAL)).state();
        state = grant(state, 1, 2).state();
        state = JoinWindowTest.apply(state, JoinWindowTest.result("c6", "b1", BranchStatus.FAILED)).state();
        JobJoin.Step ended = JoinWindowTest.apply(state, JoinWindowTest.result("c6", "b2", BranchStatus.SUCCEEDED));
        assertThat(ended.completed()).isPresent();
        JobJoin.Step replay = JoinWindowTest.apply(ended.state(), JobControl.newBuilder().setJobId("c6").setRound(0)
                .setAction(ControlAction.REPLAY).setReason("again").setAt(T0).build());
        assertThat(replay.tasks()).isEmpty();
        assertThat(replay.slots()).singleElement().satisfies(m -> {
            SlotRequest request = (SlotRequest) m.getBody();
            assertThat(request.getRound()).isEqualTo(2);
            assertThat(request.getWanted()).isEqualTo(1);
        });
        assertThat(grant(replay.state(), 2, 1).tasks()).extracting(BranchTask::getRound).containsExactly(2);
    }

    /**
     * Both sides together, messages delivered in order through queues: three jobs of one tenant with a cap of 3,
     * results coming back one by one — the tenant never has more than 3 tasks out, and every job completes.
     */
    @Test
    void join_and_admission_together_keep_the_tenant_under_its_cap_until_every_job_completes() {
        Map<String, JobJoinState> jobs = new HashMap<>();
        TenantSlots slots = TenantAdmission.empty("acme");
        Deque<SlotMessage> toAdmission = new ArrayDeque<>();
        Deque<SlotGrant> toJoin = new ArrayDeque<>();
        Deque<BranchTask> out = new ArrayDeque<>();
        for (String jobId : List.of("j1", "j2", "j3")) {
            JobJoin.Step step = JoinWindowTest.apply(JobJoin.empty(jobId), cappedManifest(jobId, 4, 2,
                    Priority.NORMAL));
            jobs.put(jobId, step.state());
            toAdmission.addAll(step.slots());
        }
        int completed = 0;
        int maxOut = 0;
        List<BranchTask> running = new ArrayList<>();
        while (!toAdmission.isEmpty() || !toJoin.isEmpty() || !out.isEmpty() || !running.isEmpty()) {
            while (!toAdmission.isEmpty()) {
                TenantAdmission.Step step = TenantAdmission.apply(slots, toAdmission.poll(), 3);
                slots = step.slots();
                toJoin.addAll(step.grants());
            }
            while (!toJoin.isEmpty()) {
                SlotGrant g = toJoin.poll();
                JobJoin.Step step = grant(jobs.get(g.getJobId()), g.getRound(), g.getSlots());
                jobs.put(g.getJobId(), step.state());
                out.addAll(step.tasks());
                toAdmission.addAll(step.slots());
            }
            running.addAll(out);
            out.clear();
            maxOut = Math.max(maxOut, running.size());
            if (!running.isEmpty()) {
                BranchTask task = running.remove(0);
                JobJoin.Step step = JoinWindowTest.apply(jobs.get(task.getJobId()), JoinWindowTest.result(
                        task.getJobId(), task.getBranch().getBranchId(), BranchStatus.SUCCEEDED));
                jobs.put(task.getJobId(), step.state());
                toAdmission.addAll(step.slots());
                completed += step.completed().isPresent() ? 1 : 0;
            }
        }
        assertThat(maxOut).isEqualTo(3);
        assertThat(completed).isEqualTo(3);
        assertThat(slots.getHolders()).isEmpty();
    }
}
