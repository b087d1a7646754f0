package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;
import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobRequest;
import io.braid.schema.Priority;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import io.braid.testing.ManualClock;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tasks the join publishes (a window's next) go to the job's lane: HIGH jobs' to the high tasks topic. */
class PriorityLaneTopologyTest {

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final TopologyTestDriver driver = new TopologyTestDriver(AggregatorTopology.build(topics, registry,
            new ManualClock(JobFixtures.T0), JoinSettings.defaults()));
    private final TestInputTopic<String, io.braid.schema.JobManifest> manifests = driver.createInputTopic(topics.manifests(),
            new StringSerializer(), new AvroSerializer<>(registry));
    private final TestInputTopic<String, io.braid.schema.BranchResult> results = driver.createInputTopic(topics.results(),
            new StringSerializer(), new AvroSerializer<>(registry));
    private final TestOutputTopic<String, BranchTask> tasks = driver.createOutputTopic(topics.tasks(),
            new StringDeserializer(), new AvroDeserializer<>(registry, BranchTask.class));
    private final TestOutputTopic<String, BranchTask> highTasks = driver.createOutputTopic(topics.tasksHigh(),
            new StringDeserializer(), new AvroDeserializer<>(registry, BranchTask.class));

    @AfterEach
    void close() {
        driver.close();
    }

    private void windowOfOne(String jobId, Priority priority) {
        JobRequest job = JobFixtures.llmJob(jobId, 3);
        job.setMaxConcurrency(1);
        job.setPriority(priority);
        manifests.pipeInput(jobId, JoinWindowTest.dispatched(job, 256).manifest());
        results.pipeInput(jobId, JoinWindowTest.result(jobId, "b1", BranchStatus.SUCCEEDED));
    }

    @Test
    void a_high_jobs_next_task_takes_the_high_lane() {
        windowOfOne("urgent", Priority.HIGH);

        assertThat(highTasks.readValuesToList()).extracting(t -> t.getBranch().getBranchId()).containsExactly("b2");
        assertThat(tasks.isEmpty()).isTrue();
    }

    @Test
    void a_normal_or_low_jobs_next_task_takes_the_tasks_topic() {
        windowOfOne("usual", Priority.NORMAL);
        windowOfOne("later", Priority.LOW);

        assertThat(tasks.readKeyValuesToList()).extracting(kv -> kv.key + "/" + kv.value.getBranch().getBranchId())
                .containsExactly("usual/b2", "later/b2");
        assertThat(highTasks.isEmpty()).isTrue();
    }
}
