package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobJoinState;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job open across an upgrade: its state was stored by a Braid that kept the manifest inside the state. The join
 * moves that manifest to the manifests store on first load, so a restart after the next save (which writes the state
 * without it) still finds it and the job completes.
 */
class JoinUpgradeTest {

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ManualClock clock = new ManualClock(JobFixtures.T0.plusSeconds(1));
    private final JoinSettings settings = new JoinSettings(Duration.ofMinutes(5), Duration.ofMinutes(5),
            Duration.ofMinutes(5), Duration.ofSeconds(1));

    private TopologyTestDriver driver() {
        return new TopologyTestDriver(AggregatorTopology.build(topics, registry, clock, settings));
    }

    private void pipe(TopologyTestDriver driver, BranchResult result) {
        driver.createInputTopic(topics.results(), new StringSerializer(), new AvroSerializer<BranchResult>(registry))
                .pipeInput(result.getJobId(), result);
    }

    private static BranchResult result(String branchId) {
        return JobFixtures.result("old", branchId, BranchStatus.SUCCEEDED, "out " + branchId);
    }

    @Test
    void an_open_job_stored_with_its_manifest_inline_survives_a_result_and_a_restart() {
        JobManifest manifest = JobFixtures.manifest("old", "a", "b");
        JobJoinState oldFormat = JobJoin.empty("old");
        oldFormat.setManifest(manifest);
        oldFormat.setDeadlineAt(JobFixtures.T0.plus(Duration.ofMinutes(5)));

        JobJoinState savedState;
        JobManifest savedManifest;
        try (TopologyTestDriver before = driver()) {
            before.<String, JobJoinState>getKeyValueStore(AggregatorTopology.STORE_NAME).put("old", oldFormat);
            pipe(before, result("a"));
            savedState = before.<String, JobJoinState>getKeyValueStore(AggregatorTopology.STORE_NAME).get("old");
            savedManifest = before.<String, JobManifest>getKeyValueStore(AggregatorTopology.MANIFESTS_STORE_NAME)
                    .get("old");
        }
        assertThat(savedState.getManifest()).as("the state is saved without its manifest now").isNull();
        assertThat(savedManifest).as("which moved to the manifests store").isEqualTo(manifest);

        try (TopologyTestDriver after = driver()) {
            after.<String, JobJoinState>getKeyValueStore(AggregatorTopology.STORE_NAME).put("old", savedState);
            after.<String, JobManifest>getKeyValueStore(AggregatorTopology.MANIFESTS_STORE_NAME).put("old",
                    savedManifest);
            KeyValueStore<String, BranchResult> results = after.getKeyValueStore(
                    AggregatorTopology.RESULTS_STORE_NAME);
            results.put(JoinStores.resultKey("old", "a"), result("a"));
            pipe(after, result("b"));

            JobResult done = after.createOutputTopic(topics.jobResults(), new StringDeserializer(),
                    new AvroDeserializer<>(registry, JobResult.class)).readValue();
            assertThat(done.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.getBranches()).extracting(b -> b.getOutput()).containsExactly("out a", "out b");
        }
    }
}
