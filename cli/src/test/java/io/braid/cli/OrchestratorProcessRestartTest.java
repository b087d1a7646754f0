package io.braid.cli;

import io.braid.cli.stack.BraidProcess;
import io.braid.client.BraidClient;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orchestrator as a separate process ({@code braid orchestrator}), killed with SIGKILL while jobs are being
 * dispatched and joined, then started again: every job still gets exactly one committed JobResult — the
 * dispatcher's and the aggregator's transactions are fenced and aborted, and the join's state comes back from its
 * changelog.
 */
class OrchestratorProcessRestartTest {

    private static final int JOBS = 100;
    private static final int BRANCHES = 5;

    private static Process startOrchestrator(TestKafka kafka, Path stateDir, String log) {
        return BraidProcess.start(List.of(), List.of("orchestrator",
                "--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", kafka.registryUrl(),
                "--instance-id", "orchestrator-a", "--state-dir", stateDir.toString(), "--partitions", "3",
                "--http-port", "-1"), Path.of("target", "orchestrator-processes", log));
    }

    private static List<JobResult> jobResults(TestKafka kafka) {
        return kafka.readAll(Topics.defaults().jobResults(),
                new AvroDeserializer<>(kafka.registryClient(), JobResult.class)).stream()
                .map(ConsumerRecord::value).toList();
    }

    @Test
    void an_orchestrator_killed_mid_run_and_restarted_emits_exactly_one_result_per_job() throws Exception {
        Path stateDir = Files.createTempDirectory("braid-restart-aggregator");
        List<Worker> workers = new ArrayList<>();
        try (TestKafka kafka = TestKafka.start()) {
            Process first = startOrchestrator(kafka, stateDir, "first.log");
            Process second = null;
            try {
                workers.addAll(workers(kafka, Duration.ofMillis(100), Duration.ofMillis(400)));
                List<JobRequest> jobs = IntStream.range(0, JOBS)
                        .mapToObj(i -> JobFixtures.llmJob("restart-" + i, BRANCHES)).toList();
                try (BraidClient client = new BraidClient(kafka.bootstrapServers(), kafka.registryUrl(),
                        Topics.defaults())) {
                    // the first submit waits (up to 30 s) for the starting orchestrator to create the topics
                    jobs.forEach(client::submit);
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> jobResults(kafka).size() >= 10);
                first.destroyForcibly().waitFor();
                assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
                int beforeRestart = jobResults(kafka).size();

                second = startOrchestrator(kafka, stateDir, "second.log");
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> jobResults(kafka).stream().map(JobResult::getJobId).distinct().count() == JOBS);

                List<JobResult> results = jobResults(kafka);
                assertThat(beforeRestart).as("killed mid-run").isLessThan(JOBS);
                assertThat(results).extracting(JobResult::getJobId).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(jobs.stream().map(JobRequest::getJobId).toList());
                assertThat(results).extracting(JobResult::getStatus).containsOnly(JobStatus.SUCCEEDED);
                assertThat(results).allSatisfy(r -> assertThat(r.getBranches()).hasSize(BRANCHES));
            } finally {
                stop(workers, first, second);
            }
        }
    }

    /** Two in-process workers with simulated latency between {@code min} and {@code max}. */
    private static List<Worker> workers(TestKafka kafka, Duration min, Duration max) {
        List<Worker> workers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            workers.add(Worker.start(WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                    .workerId("worker-" + i).maxInFlight(40).recordsPerPoll(10).simulatedLatency(min, max).build()));
        }
        return workers;
    }

    private static void stop(List<Worker> workers, Process first, Process second) throws InterruptedException {
        workers.forEach(worker -> worker.shutdown(Duration.ZERO));
        first.destroyForcibly();
        if (second != null) {
            second.destroy();
            second.waitFor();
        }
    }

    private static final int WINDOWED_BRANCHES = 400;
    private static final int WINDOW = 10;

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(TestKafka kafka, String topic,
                                                                                 Class<T> type) {
        return kafka.readAll(topic, new AvroDeserializer<>(kafka.registryClient(), type)).stream()
                .map(ConsumerRecord::value).toList();
    }

    /**
     * The join publishes a windowed job's next task in the transaction that keeps the result that freed its place:
     * an orchestrator killed mid-job and restarted neither loses a task (the job would be stuck) nor publishes one
     * twice, and the job still has exactly one result.
     */
    @Test
    void an_orchestrator_killed_mid_window_publishes_each_task_once_and_the_job_completes_once() throws Exception {
        Path stateDir = Files.createTempDirectory("braid-window-restart");
        List<Worker> workers = new ArrayList<>();
        Topics topics = Topics.defaults();
        try (TestKafka kafka = TestKafka.start()) {
            Process first = startOrchestrator(kafka, stateDir, "window-first.log");
            Process second = null;
            try {
                workers.addAll(workers(kafka, Duration.ofMillis(20), Duration.ofMillis(80)));
                JobRequest job = JobFixtures.llmJob("window-restart", WINDOWED_BRANCHES);
                job.setMaxConcurrency(WINDOW);
                try (BraidClient client = new BraidClient(kafka.bootstrapServers(), kafka.registryUrl(), topics)) {
                    client.submit(job);
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> read(kafka, topics.results(), BranchResult.class).size() >= 100);
                first.destroyForcibly().waitFor();
                assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
                assertThat(read(kafka, topics.jobResults(), JobResult.class)).as("killed mid-job").isEmpty();

                second = startOrchestrator(kafka, stateDir, "window-second.log");
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> !read(kafka, topics.jobResults(), JobResult.class).isEmpty());

                List<JobResult> results = read(kafka, topics.jobResults(), JobResult.class);
                assertThat(results).hasSize(1);
                assertThat(results.get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(results.get(0).getBranches()).hasSize(WINDOWED_BRANCHES);
                Map<String, Long> published = read(kafka, topics.tasks(), BranchTask.class).stream()
                        .collect(Collectors.groupingBy(t -> t.getBranch().getBranchId(), Collectors.counting()));
                assertThat(published).as("every branch's task published, and once").hasSize(WINDOWED_BRANCHES)
                        .allSatisfy((branch, count) -> assertThat(count).as(branch).isEqualTo(1L));
            } finally {
                stop(workers, first, second);
            }
        }
    }
}
