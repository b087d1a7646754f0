package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;
import io.braid.orchestrator.internal.dispatch.FanOut;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.Priority;
import io.braid.schema.SlotGrant;
import io.braid.schema.TenantSlots;
import io.braid.schema.Topics;
import io.braid.schema.policy.PolicySettings;
import io.braid.schema.policy.UsePolicy;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The join and a tenant's admission in one topology (TopologyTestDriver pipes the tenant-slots and tenant-grants
 * records back in, as the broker would): a capped tenant's tasks never exceed its cap, in priority order.
 */
class TenantCapTopologyTest {

    private static final Instant NOW = Instant.parse("2026-02-01T10:00:00Z");

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, JobManifest> manifests;
    private TestInputTopic<String, BranchResult> results;
    private TestInputTopic<String, SlotGrant> grantsIn;
    private TestOutputTopic<String, BranchTask> tasks;
    private TestOutputTopic<String, BranchTask> highTasks;
    private TestOutputTopic<String, JobResult> jobResults;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void setUp() {
        PolicySettings policy = new PolicySettings(PolicySettings.Mode.ALLOW,
                Map.of("acme", new PolicySettings.Grant(null, null, 2)), Map.of());
        JoinSettings settings = new JoinSettings(Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(45), Duration.ofSeconds(1)).withPolicy(new UsePolicy(policy));
        driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry, new ManualClock(NOW), settings));
        manifests = driver.createInputTopic(topics.manifests(), new StringSerializer(), new AvroSerializer<>(registry));
        results = driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<>(registry));
        grantsIn = driver.createInputTopic(topics.tenantGrants(), new StringSerializer(),
                new AvroSerializer<>(registry));
        tasks = driver.createOutputTopic(topics.tasks(), new StringDeserializer(),
                new AvroDeserializer<>(registry, BranchTask.class));
        highTasks = driver.createOutputTopic(topics.tasksHigh(), new StringDeserializer(),
                new AvroDeserializer<>(registry, BranchTask.class));
        jobResults = driver.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                new AvroDeserializer<>(registry, JobResult.class));
        deadLetters = driver.createOutputTopic(topics.aggregatorDeadLetter(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static JobManifest capped(String jobId, int branches, Priority priority, int secondsAfterNow) {
        JobRequest job = JobFixtures.llmJob(jobId, branches);
        job.setPriority(priority);
        job.setSubmittedAt(NOW.plusSeconds(secondsAfterNow));
        return FanOut.of(job, NOW, NOW, "braid.jobs-0@1", null).awaitingAdmission("acme").manifest();
    }

    private static String id(BranchTask task) {
        return task.getJobId() + "/" + task.getBranch().getBranchId();
    }

    private void finish(BranchTask task) {
        results.pipeInput(task.getJobId(), JoinWindowTest.result(task.getJobId(), task.getBranch().getBranchId(),
                BranchStatus.SUCCEEDED));
    }

    @Test
    void a_capped_tenant_gets_its_cap_and_a_later_high_priority_job_is_admitted_first() {
        manifests.pipeInput("n1", capped("n1", 2, Priority.NORMAL, 0));
        manifests.pipeInput("n2", capped("n2", 2, Priority.NORMAL, 1));
        List<BranchTask> first = tasks.readValuesToList();
        assertThat(first).extracting(TenantCapTopologyTest::id).containsExactly("n1/b1", "n1/b2");

        manifests.pipeInput("h1", capped("h1", 1, Priority.HIGH, 2));
        assertThat(tasks.readValuesToList()).as("the cap is reached: the HIGH job waits too").isEmpty();
        assertThat(highTasks.readValuesToList()).isEmpty();

        finish(first.get(0));
        assertThat(tasks.readValuesToList()).isEmpty();
        assertThat(highTasks.readValuesToList()).as("the freed slot goes to the HIGH job, submitted last, in its lane")
                .extracting(TenantCapTopologyTest::id).containsExactly("h1/b1");
        finish(first.get(1));
        assertThat(tasks.readValuesToList()).extracting(TenantCapTopologyTest::id).containsExactly("n2/b1");
        assertThat(jobResults.readValuesToList()).extracting(JobResult::getJobId).containsExactly("n1");

        TenantSlots slots = driver.<String, TenantSlots>getKeyValueStore(AggregatorTopology.ADMISSION_STORE_NAME)
                .get("acme");
        assertThat(TenantAdmission.inUse(slots)).isEqualTo(2);
    }

    @Test
    void a_grant_written_by_someone_else_for_a_job_that_did_not_ask_publishes_nothing() {
        JobManifest uncapped = FanOut.of(JobFixtures.llmJob("u1", 2), NOW, NOW, "braid.jobs-0@1", null).manifest();
        manifests.pipeInput("u1", uncapped);
        grantsIn.pipeInput("u1", SlotGrant.newBuilder().setTenant("acme").setJobId("u1").setRound(1).setSlots(50)
                .build());
        grantsIn.pipeInput("ghost", SlotGrant.newBuilder().setTenant("acme").setJobId("ghost").setRound(1)
                .setSlots(50).build());
        assertThat(tasks.readValuesToList()).isEmpty();
        assertThat(deadLetters.readValuesToList()).hasSize(2);
    }
}
