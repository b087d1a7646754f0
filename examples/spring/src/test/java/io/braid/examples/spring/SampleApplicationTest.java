package io.braid.examples.spring;

import dev.langchain4j.agent.tool.Tool;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.spring.BraidConnectionDetails;
import io.braid.spring.BraidTemplate;
import io.braid.testing.BraidKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application against Braid: Kafka and the registry from {@link BraidKafka} (in-process here, a
 * container where Docker runs), an orchestrator in this JVM, and the application's own embedded worker running the
 * branches — its {@code @Tool} bean methods included.
 */
@SpringBootTest(classes = {SampleApplication.class, SampleApplicationTest.Infrastructure.class}, properties = {
        "example.plan-on-start=false",
        "braid.worker.shutdown-grace=1s",
        "braid.worker.disabled-tools=wipe_data"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SampleApplicationTest {

    private static final BraidKafka KAFKA = BraidKafka.start();
    private static final Orchestrator ORCHESTRATOR = startOrchestrator();

    private static Orchestrator startOrchestrator() {
        try {
            Orchestrator orchestrator = Orchestrator.start(OrchestratorOptions
                    .builder(KAFKA.bootstrapServers(), KAFKA.registryUrl()).partitions(3).instanceId("sample")
                    .stateDir(Files.createTempDirectory("braid-spring-sample")).build());
            orchestrator.awaitRunning(Duration.ofSeconds(60));
            return orchestrator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where Kafka and the registry are (the service-connection way), and their end with the context. */
    @TestConfiguration
    static class Infrastructure {

        @Bean
        BraidConnectionDetails braidConnection() {
            return BraidConnectionDetails.of(KAFKA.bootstrapServers(), KAFKA.registryUrl());
        }

        @Bean
        AutoCloseable braidInfrastructure() {
            return () -> {
                ORCHESTRATOR.close();
                KAFKA.close();
            };
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        /** A tool the worker's configuration switches off (braid.worker.disabled-tools). */
        @Bean
        Object dangerousTools() {
            return new Object() {
                @Tool(name = "wipe_data", value = "Deletes everything")
                public String wipe() {
                    return "wiped";
                }
            };
        }
    }

    @Autowired
    TripPlanner planner;
    @Autowired
    BraidTemplate braid;
    @Autowired
    MeterRegistry meters;
    @Autowired
    @Qualifier("braidTemplateHealthIndicator")
    HealthIndicator templateHealth;
    @Autowired
    @Qualifier("braidWorkerHealthIndicator")
    HealthIndicator workerHealth;

    @Test
    void a_job_fans_out_to_the_bean_tools_and_its_future_completes_with_the_joined_result() throws Exception {
        List<JobEvent> events = new CopyOnWriteArrayList<>();

        JobResult result = planner.plan(List.of("Lisbon", "Oslo"), 4, events::add).get(90, TimeUnit.SECONDS);

        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        Map<String, BranchOutcome> branches = byId(result);
        assertThat(branches.get("forecast_lisbon").getOutput()).isEqualTo("Lisbon: sunny, 24 °C");
        assertThat(branches.get("forecast_oslo").getOutput()).isEqualTo("Oslo: light rain, 9 °C");
        assertThat(branches.get("packing").getOutput()).isEqualTo("{\"shirts\":4,\"trousers\":2,\"umbrella\":false}");
        assertThat(branches.get("advice").getOutput()).contains("[simulated]");
        assertThat(events).anyMatch(e -> e.getType() == JobEventType.BRANCH_FINISHED
                && "forecast_oslo".equals(e.getBranchId()));
    }

    @Test
    void many_jobs_at_once_each_get_their_own_result() {
        List<JobRequest> jobs = IntStream.range(0, 20).mapToObj(i -> TripPlanner.job(List.of("Kyoto"), i + 1))
                .toList();

        List<CompletableFuture<JobResult>> futures = jobs.stream().map(braid::submit).toList();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();

        for (int i = 0; i < jobs.size(); i++) {
            JobResult result = futures.get(i).join();
            assertThat(result.getJobId()).isEqualTo(jobs.get(i).getJobId());
            assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(byId(result).get("packing").getOutput()).startsWith("{\"shirts\":" + (i + 1) + ",");
        }
        assertThat(braid.pendingJobs()).isZero();
    }

    @Test
    void a_job_written_as_json_is_submitted_with_a_generated_id() throws Exception {
        JobResult result = braid.submitJson("""
                {"branches": [{"branchId": "pack", "kind": "TOOL",
                               "tool": {"name": "packing_list", "argumentsJson": {"days": 2, "rain": true}}}]}
                """).get(90, TimeUnit.SECONDS);

        assertThat(result.getJobId()).startsWith("job-");
        assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(byId(result).get("pack").getOutput()).isEqualTo("{\"shirts\":2,\"trousers\":1,\"umbrella\":true}");
    }

    @Test
    void bean_tools_obey_the_workers_configuration_and_report_their_errors() throws Exception {
        JobRequest job = JobRequest.newBuilder(TripPlanner.job(List.of("Atlantis"), 2))
                .setBranches(List.of(TripPlanner.tool("wipe", "wipe_data", "{}"),
                        TripPlanner.tool("forecast_atlantis", "forecast", "{\"city\": \"Atlantis\"}"),
                        TripPlanner.tool("packing", "packing_list", "{\"days\": \"many\"}")))
                .build();

        JobResult result = braid.submit(job).get(90, TimeUnit.SECONDS);

        assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
        Map<String, BranchOutcome> branches = byId(result);
        assertThat(branches.values()).allMatch(b -> b.getStatus() == BranchStatus.FAILED);
        assertThat(branches.get("wipe").getError().getMessage()).contains("'wipe_data' is disabled");
        assertThat(branches.get("forecast_atlantis").getError().getMessage()).contains("no forecast for 'Atlantis'");
        assertThat(branches.get("packing").getError().getMessage()).contains("days");
    }

    @Test
    void health_indicators_are_up_and_meters_count_jobs_and_branches() throws Exception {
        planner.plan(List.of("Oslo"), 1, null).get(90, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(templateHealth.health().getStatus()).isEqualTo(Status.UP);
            assertThat(workerHealth.health().getStatus()).isEqualTo(Status.UP);
        });
        assertThat(templateHealth.health().getDetails()).containsEntry("resultPartitions", 3L);
        assertThat(meters.get("braid.template.jobs.submitted").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("braid.template.results").tag("status", "SUCCEEDED").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.get("braid.worker.branches").tag("status", "SUCCEEDED").counter().count())
                .isGreaterThanOrEqualTo(3);
        assertThat(meters.get("braid.worker.in.flight").gauge().value()).isGreaterThanOrEqualTo(0);
        assertThat(meters.get("braid.template.jobs.pending").gauge().value()).isGreaterThanOrEqualTo(0);
    }

    private static Map<String, BranchOutcome> byId(JobResult result) {
        return result.getBranches().stream().collect(Collectors.toMap(BranchOutcome::getBranchId,
                Function.identity()));
    }
}
