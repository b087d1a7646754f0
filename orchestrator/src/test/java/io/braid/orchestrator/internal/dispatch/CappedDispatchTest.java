package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.Priority;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.json.AvroJson;
import io.braid.schema.policy.PolicySettings;
import io.braid.schema.policy.UsePolicy;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the dispatcher writes for a job whose tenant has a concurrency cap: no task, the tenant in the manifest. */
class CappedDispatchTest {

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final JobRecords records = new JobRecords(topics,
            new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class)),
            new JobValidator(Aggregation.SUPPORTED, 10_000, new UsePolicy(new PolicySettings(
                    PolicySettings.Mode.ALLOW, Map.of("acme", new PolicySettings.Grant(null, null, 5)), Map.of()))),
            new AvroSerializer<>(registry), RecordLimits.defaults(), Long.MAX_VALUE, 256);

    private List<ProducerRecord<String, byte[]>> dispatch(JobRequest job) {
        byte[] json = AvroJson.toJson(job).toString().getBytes(StandardCharsets.UTF_8);
        return records.recordsFor(new ConsumerRecord<>(topics.jobs(), 0, 7L, job.getJobId(), json), 6,
                JobFixtures.T0);
    }

    private static JobRequest job(String jobId, String tenant) {
        JobRequest job = JobFixtures.llmJob(jobId, 10);
        Map<String, String> metadata = new HashMap<>(job.getMetadata());
        metadata.put(UsePolicy.TENANT_KEY, tenant);
        job.setMetadata(metadata);
        job.setPriority(Priority.HIGH);
        return job;
    }

    private JobManifest manifest(List<ProducerRecord<String, byte[]>> out) {
        return new AvroDeserializer<>(registry, JobManifest.class).deserialize(topics.manifests(),
                out.stream().filter(r -> r.topic().equals(topics.manifests())).findFirst().orElseThrow().value());
    }

    @Test
    void a_capped_tenants_job_is_dispatched_without_tasks_its_tenant_and_priority_in_the_manifest() {
        List<ProducerRecord<String, byte[]>> out = dispatch(job("c1", "acme"));

        assertThat(out.stream().filter(r -> r.topic().startsWith(topics.tasks()))).isEmpty();
        JobManifest manifest = manifest(out);
        assertThat(manifest.getAdmissionTenant()).isEqualTo("acme");
        assertThat(manifest.getPriority()).isEqualTo(Priority.HIGH);
        assertThat(manifest.getSpecs()).hasSize(10);
    }

    @Test
    void an_uncapped_tenants_job_is_dispatched_as_before() {
        List<ProducerRecord<String, byte[]>> out = dispatch(job("u1", "other"));

        // a HIGH job: its tasks in the high lane
        assertThat(out.stream().filter(r -> r.topic().equals(topics.tasksHigh()))).hasSize(10);
        assertThat(manifest(out).getAdmissionTenant()).isNull();
    }
}
