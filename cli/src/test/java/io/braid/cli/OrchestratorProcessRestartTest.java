package io.braid.cli;

import io.braid.cli.bench.BraidProcess;
import io.braid.client.BraidClient;
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
                for (int i = 1; i <= 2; i++) {
                    workers.add(Worker.start(WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                            .workerId("worker-" + i).maxInFlight(40).recordsPerPoll(10)
                            .simulatedLatency(Duration.ofMillis(100), Duration.ofMillis(400)).build()));
                }
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
                workers.forEach(worker -> worker.shutdown(Duration.ZERO));
                first.destroyForcibly();
                if (second != null) {
                    second.destroy();
                    second.waitFor();
                }
            }
        }
    }
}
