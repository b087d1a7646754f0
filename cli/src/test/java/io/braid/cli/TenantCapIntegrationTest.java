package io.braid.cli;

import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Priority;
import io.braid.schema.policy.PolicySettings;
import io.braid.schema.policy.UsePolicy;
import io.braid.testing.JobFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's concurrency cap on a real broker, with the real dispatcher, workers and an aggregator of 3 partitions:
 * the capped tenant's jobs are joined on different partitions, yet the tasks and results topics, read back, show
 * never more than its cap of its tasks queued or running; an uncapped tenant's job runs meanwhile; a HIGH priority
 * job submitted last is admitted before the NORMAL ones still waiting.
 */
class TenantCapIntegrationTest {

    private static final int CAP = 2;
    private static LocalFleet fleet;

    /** Calls slow enough (2 s, longer than a request takes to reach the admission under a loaded CI machine) that the
     * capped tenant's jobs are still waiting when the HIGH one comes. */
    private static final String CONFIG = """
            defaultModel: sim
            models:
              sim: { provider: simulated, minLatency: 2000ms, maxLatency: 2200ms }
            """;

    @BeforeAll
    static void startFleet() throws java.io.IOException {
        java.nio.file.Path config = java.nio.file.Files.createTempFile("tenant-worker", ".yaml");
        java.nio.file.Files.writeString(config, CONFIG);
        PolicySettings policy = new PolicySettings(PolicySettings.Mode.ALLOW,
                Map.of("acme", new PolicySettings.Grant(null, null, CAP)), Map.of());
        fleet = LocalFleet.start(2, w -> w.config(io.braid.worker.WorkerConfig.load(config)),
                o -> o.policy(policy));
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopFleet() {
        fleet.close();
    }

    private static JobRequest job(String jobId, int branches, String tenant, Priority priority) {
        JobRequest job = JobFixtures.llmJob(jobId, branches);
        if (tenant != null) {
            Map<String, String> metadata = new HashMap<>(job.getMetadata());
            metadata.put(UsePolicy.TENANT_KEY, tenant);
            job.setMetadata(metadata);
        }
        job.setPriority(priority);
        return job;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> read(
            String topic, Class<T> type, Set<String> jobIds) {
        return TasksReadBack.read(fleet, topic, type, jobIds);
    }

    private static int mostInFlight(Set<String> jobIds) {
        return TasksReadBack.mostInFlight(fleet, jobIds);
    }

    /** When the job's first task reached the tasks topic. */
    private static long firstTaskAt(String jobId) {
        return TasksReadBack.tasks(fleet, Set.of(jobId)).stream()
                .mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
    }

    @Test
    void a_capped_tenant_never_has_more_than_its_cap_out_and_priority_orders_its_waiting_jobs() throws Exception {
        List<JobRequest> normal = List.of(job("acme-n1", 4, "acme", Priority.NORMAL),
                job("acme-n2", 2, "acme", Priority.NORMAL), job("acme-n3", 2, "acme", Priority.NORMAL));
        JobRequest high = job("acme-h1", 1, "acme", Priority.HIGH);
        JobRequest other = job("other-1", 8, "other", Priority.NORMAL);
        Set<String> acme = Set.of("acme-n1", "acme-n2", "acme-n3", "acme-h1");
        int partitions = 3;
        assertThat(acme.stream().map(id -> Utils.toPositive(Utils.murmur2(id.getBytes())) % partitions)
                .collect(Collectors.toSet())).as("the tenant's jobs are joined on different partitions")
                .hasSizeGreaterThan(1);

        Map<String, JobResult> results = new HashMap<>();
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            for (JobRequest job : normal) {
                client.submit(job);
            }
            client.submit(other);
            client.submit(high);
            for (String jobId : List.of("acme-n1", "acme-n2", "acme-n3", "acme-h1", "other-1")) {
                results.put(jobId, client.awaitResult(jobId, null, Duration.ofSeconds(90), e -> { }).orElseThrow(
                        () -> new AssertionError("no result for " + jobId)));
            }
        }

        assertThat(results.values()).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED));
        for (String jobId : results.keySet()) {
            assertThat(read(fleet.topics().jobResults(), JobResult.class, Set.of(jobId))).as("results of " + jobId)
                    .hasSize(1);
        }
        assertThat(TasksReadBack.tasks(fleet, acme)).as("every branch published once, in its job's lane")
                .hasSize(9);
        assertThat(mostInFlight(acme)).as("the tenant's tasks queued or running").isEqualTo(CAP);
        assertThat(mostInFlight(Set.of("other-1"))).as("the uncapped tenant's job, all at once").isEqualTo(8);
        assertThat(results.get("other-1").getCompletedAt()).as("the uncapped job ran meanwhile")
                .isBefore(results.get("acme-n3").getCompletedAt());
        long highAt = firstTaskAt("acme-h1");
        assertThat(highAt).as("HIGH, submitted last, admitted before the NORMAL jobs still waiting")
                .isLessThan(firstTaskAt("acme-n2")).isLessThan(firstTaskAt("acme-n3"));

        String status = get("/jobs/acme-n3");
        assertThat(status).contains("\"admission\"").contains("\"tenant\":\"acme\"").contains("\"admitted\":2");
        assertThat(get("/metrics")).containsPattern("braid_tenant_slots_in_use\\{tenant=\"acme\",?} 0")
                .contains("braid_tenant_waiting{tenant=\"acme\"");
    }

    private static String get(String path) throws Exception {
        int port = fleet.orchestrator().httpPort().orElseThrow();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                    + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
