package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.Priority;
import io.braid.schema.SlotGrant;
import io.braid.schema.SlotMessage;
import io.braid.schema.SlotRelease;
import io.braid.schema.SlotRequest;
import io.braid.schema.TenantSlots;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A tenant's admission as a pure function: grants up to the cap, in priority order, released and withdrawn. */
class TenantAdmissionTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static SlotMessage request(String jobId, int wanted, int window, Priority priority, int secondsAfterT0) {
        return new SlotMessage(SlotRequest.newBuilder().setTenant("acme").setJobId(jobId).setRound(1)
                .setWanted(wanted).setWindow(window).setPriority(priority)
                .setSubmittedAt(T0.plusSeconds(secondsAfterT0)).build());
    }

    static SlotMessage release(String jobId, int slots) {
        return new SlotMessage(SlotRelease.newBuilder().setTenant("acme").setJobId(jobId).setRound(1)
                .setSlots(slots).build());
    }

    static SlotMessage withdraw(String jobId) {
        return new SlotMessage(SlotRelease.newBuilder().setTenant("acme").setJobId(jobId).setRound(1)
                .setWithdraw(true).build());
    }

    /** Applies the messages in turn under {@code cap}, returning the last step. */
    static TenantAdmission.Step run(Integer cap, List<SlotGrant> grants, SlotMessage... messages) {
        TenantSlots slots = TenantAdmission.empty("acme");
        TenantAdmission.Step step = null;
        for (SlotMessage message : messages) {
            step = TenantAdmission.apply(slots, message, cap);
            grants.addAll(step.grants());
            slots = step.slots();
        }
        return step;
    }

    static String granted(SlotGrant grant) {
        return grant.getJobId() + ":" + grant.getSlots();
    }

    @Test
    void grants_up_to_the_cap_and_the_rest_waits() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        TenantAdmission.Step step = run(5, grants, request("a", 4, 10, Priority.NORMAL, 0),
                request("b", 4, 10, Priority.NORMAL, 1));
        assertThat(grants).extracting(TenantAdmissionTest::granted).containsExactly("a:4", "b:1");
        assertThat(TenantAdmission.inUse(step.slots())).isEqualTo(5);
        assertThat(TenantAdmission.waiting(step.slots())).isEqualTo(1);
    }

    @Test
    void a_job_is_granted_no_more_than_its_window_or_what_it_wants() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        run(10, grants, request("a", 7, 2, Priority.NORMAL, 0), request("b", 1, 5, Priority.NORMAL, 1));
        assertThat(grants).extracting(TenantAdmissionTest::granted).containsExactly("a:2", "b:1");
    }

    @Test
    void a_release_grants_the_next_waiting_request_in_priority_then_submission_order() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        run(2, grants, request("first", 2, 2, Priority.NORMAL, 0), request("normal", 1, 1, Priority.NORMAL, 1),
                request("low", 1, 1, Priority.LOW, 2), request("high", 1, 1, Priority.HIGH, 3),
                release("first", 1), release("first", 1), release("high", 1), release("normal", 1));
        assertThat(grants).extracting(TenantAdmissionTest::granted)
                .containsExactly("first:2", "high:1", "normal:1", "low:1");
    }

    @Test
    void a_withdraw_frees_everything_the_round_holds_and_forgets_its_request() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        TenantAdmission.Step step = run(3, grants, request("a", 10, 3, Priority.NORMAL, 0),
                request("b", 2, 2, Priority.NORMAL, 1), withdraw("a"));
        assertThat(grants).extracting(TenantAdmissionTest::granted).containsExactly("a:3", "b:2");
        assertThat(step.slots().getHolders()).extracting(h -> h.getJobId()).containsExactly("b");
        assertThat(TenantAdmission.inUse(step.slots())).isEqualTo(2);
    }

    @Test
    void a_redelivered_request_changes_nothing() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        TenantAdmission.Step step = run(5, grants, request("a", 3, 3, Priority.NORMAL, 0),
                request("a", 3, 3, Priority.NORMAL, 0));
        assertThat(grants).extracting(TenantAdmissionTest::granted).containsExactly("a:3");
        assertThat(step.ignored()).isNull();
        assertThat(TenantAdmission.inUse(step.slots())).isEqualTo(3);
    }

    @Test
    void a_release_it_cannot_match_is_ignored_and_never_makes_a_count_negative() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        TenantAdmission.Step unknown = run(2, grants, request("a", 2, 2, Priority.NORMAL, 0), release("stranger", 5));
        assertThat(unknown.ignored()).contains("stranger").contains("holds none");
        assertThat(TenantAdmission.inUse(unknown.slots())).isEqualTo(2);

        TenantAdmission.Step tooMany = run(2, grants, request("a", 2, 2, Priority.NORMAL, 0), release("a", 5),
                release("a", 1));
        assertThat(tooMany.slots().getHolders()).allSatisfy(h -> assertThat(h.getHeld()).isZero());
        assertThat(tooMany.ignored()).contains("holds 0");
    }

    @Test
    void a_tenant_without_a_cap_is_granted_everything_at_once() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        run(null, grants, request("a", 50, 50, Priority.NORMAL, 0), request("b", 70, 70, Priority.LOW, 1));
        assertThat(grants).extracting(TenantAdmissionTest::granted).containsExactly("a:50", "b:70");
    }

    @Test
    void a_new_round_of_a_job_replaces_the_round_it_never_withdrew() {
        List<SlotGrant> grants = new java.util.ArrayList<>();
        SlotMessage round2 = new SlotMessage(SlotRequest.newBuilder().setTenant("acme").setJobId("a").setRound(2)
                .setWanted(2).setWindow(2).setSubmittedAt(T0).build());
        TenantAdmission.Step step = run(2, grants, request("a", 2, 2, Priority.NORMAL, 0), round2);
        assertThat(grants).extracting(g -> g.getJobId() + "@" + g.getRound() + ":" + g.getSlots())
                .containsExactly("a@1:2", "a@2:2");
        assertThat(TenantAdmission.inUse(step.slots())).isEqualTo(2);
    }
}
