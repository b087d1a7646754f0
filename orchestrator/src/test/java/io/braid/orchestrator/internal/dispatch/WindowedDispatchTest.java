package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.schema.BranchTask;
import io.braid.schema.DeadLetterHeaders;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.json.AvroJson;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the dispatcher writes for a job with a window: the first window of tasks, every later one measured. */
class WindowedDispatchTest {

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    private JobRecords records(long maxFanOutBytes, int defaultWindow) {
        return new JobRecords(topics, new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class)),
                new JobValidator(Aggregation.SUPPORTED, 10_000), new AvroSerializer<>(registry),
                RecordLimits.defaults(), maxFanOutBytes, defaultWindow);
    }

    private List<ProducerRecord<String, byte[]>> dispatch(JobRecords records, JobRequest job) {
        byte[] json = AvroJson.toJson(job).toString().getBytes(StandardCharsets.UTF_8);
        return records.recordsFor(new ConsumerRecord<>(topics.jobs(), 0, 7L, job.getJobId(), json), 6,
                JobFixtures.T0);
    }

    @Test
    void only_the_first_window_of_tasks_is_written_and_the_manifest_carries_the_window() {
        List<ProducerRecord<String, byte[]>> out = dispatch(records(Long.MAX_VALUE, 8), JobFixtures.llmJob("d1", 50));

        assertThat(out.stream().filter(r -> r.topic().equals(topics.tasks()))).hasSize(8);
        JobManifest manifest = new AvroDeserializer<>(registry, JobManifest.class).deserialize(topics.manifests(),
                out.stream().filter(r -> r.topic().equals(topics.manifests())).findFirst().orElseThrow().value());
        assertThat(manifest.getMaxConcurrency()).isEqualTo(8);
        assertThat(manifest.getSpecs()).hasSize(50);
        BranchTask first = new AvroDeserializer<>(registry, BranchTask.class).deserialize(topics.tasks(),
                out.stream().filter(r -> r.topic().equals(topics.tasks())).findFirst().orElseThrow().value());
        assertThat(first.getBranch().getBranchId()).isEqualTo("b1");
    }

    @Test
    void a_job_whose_later_tasks_would_pass_the_fan_out_limit_is_refused_before_anything_is_written() {
        JobRequest job = JobFixtures.llmJob("d2", 400);
        job.setMaxConcurrency(1);

        List<ProducerRecord<String, byte[]>> out = dispatch(records(20_000, 256), job);

        assertThat(out).extracting(ProducerRecord::topic).containsExactly(topics.jobsDeadLetter(), topics.manifests());
        assertThat(new String(out.get(0).headers().lastHeader(DeadLetterHeaders.ERROR_CLASS).value(),
                StandardCharsets.UTF_8)).isEqualTo("TooLarge");
        assertThat(new String(out.get(0).headers().lastHeader(DeadLetterHeaders.ERROR).value(),
                StandardCharsets.UTF_8)).contains("more than 20000 bytes (--max-fan-out-bytes)");
    }

    @Test
    void a_high_priority_job_and_its_child_jobs_take_the_high_lane_and_the_rest_the_tasks_topic() {
        JobRequest urgent = JobFixtures.llmJob("urgent", 3);
        urgent.setPriority(io.braid.schema.Priority.HIGH);
        JobRequest low = JobFixtures.llmJob("low", 3);
        low.setPriority(io.braid.schema.Priority.LOW);

        List<ProducerRecord<String, byte[]>> high = dispatch(records(Long.MAX_VALUE, 256), urgent);
        List<ProducerRecord<String, byte[]>> rest = dispatch(records(Long.MAX_VALUE, 256), low);

        assertThat(high.stream().filter(r -> r.topic().equals(topics.tasksHigh()))).hasSize(3);
        assertThat(high.stream().filter(r -> r.topic().equals(topics.tasks()))).isEmpty();
        assertThat(rest.stream().filter(r -> r.topic().equals(topics.tasks()))).hasSize(3);
        assertThat(rest.stream().filter(r -> r.topic().equals(topics.tasksHigh()))).isEmpty();
        assertThat(topics.tasksFor(io.braid.schema.Priority.NORMAL)).isEqualTo("braid.tasks");
        assertThat(topics.tasksFor(io.braid.schema.Priority.HIGH)).isEqualTo("braid.tasks.high");
    }
}
