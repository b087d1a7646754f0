package io.braid.spring.internal;

import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PendingJobsTest {

    /** The timeouts, run when the test says so instead of after their delay. */
    private final List<Runnable> timeouts = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();
    private final TemplateMeters meters = new TemplateMeters() {
        @Override
        public void result(String status) {
            counted.add(status);
        }

        @Override
        public void timedOut() {
            counted.add("timed out");
        }
    };
    private final PendingJobs pending = new PendingJobs(2, meters, (delay, unit) -> timeouts::add, Runnable::run);

    private static JobResult result(String jobId) {
        return JobResult.newBuilder().setJobId(jobId).setStatus(JobStatus.SUCCEEDED).setCompletedBy("ALL")
                .setBranches(List.of()).setSubmittedAt(Instant.EPOCH).setCompletedAt(Instant.EPOCH).build();
    }

    @Test
    void a_result_completes_its_jobs_future_only() {
        CompletableFuture<JobResult> a = pending.await("a", Duration.ofMinutes(1), null);
        CompletableFuture<JobResult> b = pending.await("b", Duration.ofMinutes(1), null);

        pending.result(result("b"));
        pending.result(result("unknown"));

        assertThat(b).isCompletedWithValueMatching(r -> r.getJobId().equals("b"));
        assertThat(a).isNotDone();
        assertThat(pending.size()).isEqualTo(1);
        assertThat(counted).containsExactly("SUCCEEDED");
    }

    @Test
    void a_job_without_result_fails_with_a_timeout_naming_the_setting_and_a_late_result_changes_nothing() {
        CompletableFuture<JobResult> future = pending.await("slow", Duration.ofSeconds(5), null);

        timeouts.forEach(Runnable::run);
        pending.result(result("slow"));

        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TimeoutException.class)
                .hasMessageContaining("no result for job slow within PT5S (braid.template.result-timeout)");
        assertThat(pending.size()).isZero();
        assertThat(counted).containsExactly("timed out");
    }

    @Test
    void a_timeout_after_the_result_changes_nothing() {
        CompletableFuture<JobResult> future = pending.await("quick", Duration.ofSeconds(5), null);

        pending.result(result("quick"));
        timeouts.forEach(Runnable::run);

        assertThat(future).isCompletedWithValueMatching(r -> r.getJobId().equals("quick"));
        assertThat(counted).containsExactly("SUCCEEDED");
    }

    @Test
    void the_pending_limit_and_duplicate_job_ids_are_refused_with_the_reason() {
        pending.await("a", Duration.ofMinutes(1), null);

        assertThatThrownBy(() -> pending.await("a", Duration.ofMinutes(1), null))
                .hasMessageContaining("job a was submitted already");
        pending.await("b", Duration.ofMinutes(1), null);
        assertThatThrownBy(() -> pending.await("c", Duration.ofMinutes(1), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("braid.template.max-pending-jobs (2)");
    }

    @Test
    void events_reach_their_jobs_callback_and_a_failing_callback_harms_nothing() {
        List<JobEvent> heard = new ArrayList<>();
        pending.await("a", Duration.ofMinutes(1), heard::add);
        pending.await("b", Duration.ofMinutes(1), event -> {
            throw new IllegalStateException("callback bug");
        });
        JobEvent event = JobEvent.newBuilder().setJobId("a").setType(JobEventType.BRANCH_STARTED)
                .setAt(Instant.EPOCH).build();

        pending.event(event);
        pending.event(JobEvent.newBuilder(event).setJobId("b").build());
        pending.result(result("b"));

        assertThat(heard).containsExactly(event);
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void closing_fails_every_waiting_future() {
        CompletableFuture<JobResult> future = pending.await("a", Duration.ofMinutes(1), null);

        pending.failAll("closing");

        assertThat(future).isCompletedExceptionally();
        assertThat(pending.size()).isZero();
    }
}
