package io.braid.orchestrator.aggregate;

import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static io.braid.testing.JobFixtures.manifest;
import static io.braid.testing.JobFixtures.result;
import static io.braid.testing.JobFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

/** The join topology, driven record by record with TopologyTestDriver (a unit test: no broker). */
class AggregatorTopologyTest {

    private static final Instant NOW = Instant.parse("2026-02-01T10:00:00Z");

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, JobManifest> manifests;
    private TestInputTopic<String, BranchResult> results;
    private TestOutputTopic<String, JobResult> jobResults;

    @BeforeEach
    void setUp() {
        driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry, Clock.fixed(NOW, ZoneOffset.UTC)));
        manifests = driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<>(registry));
        results = driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<>(registry));
        jobResults = driver.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobResult.class));
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void completes_when_every_branch_has_a_result() {
        manifests.pipeInput("job-1", manifest("job-1", "a", "b", "c"));
        results.pipeInput("job-1", succeeded("job-1", "a", "A"));
        results.pipeInput("job-1", succeeded("job-1", "b", "B"));
        assertThat(jobResults.isEmpty()).as("no result while branch c is outstanding").isTrue();

        results.pipeInput("job-1", succeeded("job-1", "c", "C"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).hasSize(1);
        JobResult job = emitted.get(0);
        assertThat(job.getJobId()).isEqualTo("job-1");
        assertThat(job.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getCompletedBy()).isEqualTo("ALL");
        assertThat(job.getOutput()).isEqualTo("{\"a\":\"A\",\"b\":\"B\",\"c\":\"C\"}");
        assertThat(job.getCompletedAt()).isEqualTo(NOW);
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=SUCCEEDED", "c=SUCCEEDED");
    }

    @Test
    void duplicate_results_of_a_branch_are_ignored_and_the_job_completes_once() {
        manifests.pipeInput("job-2", manifest("job-2", "a", "b"));
        results.pipeInput("job-2", succeeded("job-2", "a", "first run"));
        results.pipeInput("job-2", succeeded("job-2", "a", "second run"));
        results.pipeInput("job-2", succeeded("job-2", "b", "B"));
        results.pipeInput("job-2", succeeded("job-2", "b", "B again"));
        manifests.pipeInput("job-2", manifest("job-2", "a", "b"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getOutput()).isEqualTo("{\"a\":\"first run\",\"b\":\"B\"}");
    }

    @Test
    void completes_when_results_arrive_before_the_manifest() {
        results.pipeInput("job-3", succeeded("job-3", "b", "B"));
        results.pipeInput("job-3", succeeded("job-3", "a", "A"));
        assertThat(jobResults.isEmpty()).as("no result without the manifest").isTrue();

        manifests.pipeInput("job-3", manifest("job-3", "a", "b"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getOutput()).isEqualTo("{\"a\":\"A\",\"b\":\"B\"}");
    }

    @Test
    void interleaved_jobs_are_joined_to_their_own_results() {
        manifests.pipeInput("x", manifest("x", "a"));
        manifests.pipeInput("y", manifest("y", "a", "b"));
        results.pipeInput("y", succeeded("y", "a", "y-a"));
        results.pipeInput("x", succeeded("x", "a", "x-a"));
        results.pipeInput("y", succeeded("y", "b", "y-b"));

        List<JobResult> emitted = jobResults.readValuesToList();
        assertThat(emitted).extracting(JobResult::getJobId, JobResult::getOutput).containsExactly(
                org.assertj.core.groups.Tuple.tuple("x", "{\"a\":\"x-a\"}"),
                org.assertj.core.groups.Tuple.tuple("y", "{\"a\":\"y-a\",\"b\":\"y-b\"}"));
    }

    @Test
    void a_failed_branch_makes_the_job_partial_and_a_later_success_replaces_the_failure() {
        manifests.pipeInput("job-4", manifest("job-4", "a", "b", "c"));
        results.pipeInput("job-4", result("job-4", "a", BranchStatus.FAILED, null));
        results.pipeInput("job-4", succeeded("job-4", "a", "A on redelivery"));
        results.pipeInput("job-4", succeeded("job-4", "b", "B"));
        results.pipeInput("job-4", result("job-4", "c", BranchStatus.TIMED_OUT, null));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.PARTIAL);
        assertThat(job.getOutput()).isEqualTo("{\"a\":\"A on redelivery\",\"b\":\"B\"}");
        assertThat(job.getBranches()).extracting(b -> b.getBranchId() + "=" + b.getStatus())
                .containsExactly("a=SUCCEEDED", "b=SUCCEEDED", "c=TIMED_OUT");
    }

    @Test
    void a_job_whose_branches_all_failed_fails_without_output() {
        manifests.pipeInput("job-5", manifest("job-5", "a"));
        results.pipeInput("job-5", result("job-5", "a", BranchStatus.FAILED, null));

        JobResult job = jobResults.readValue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(job.getOutput()).isNull();
    }
}
