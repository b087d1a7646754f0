package io.braid.worker.fleet;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchSpec;
import io.braid.schema.BranchTask;
import io.braid.schema.LlmCall;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The worker's side of Braid on a real test broker, without an orchestrator: tasks written straight to the tasks
 * topic, results and dead letters read back.
 */
final class TaskTopics {

    private final TestKafka kafka;
    private final Topics topics;
    private final AvroSerializer<SpecificRecord> serializer;

    /** Creates the worker's topics under {@code prefix}, so each test has its own. */
    TaskTopics(TestKafka kafka, String prefix) {
        this.kafka = kafka;
        this.topics = new Topics(prefix);
        this.serializer = new AvroSerializer<>(kafka.registryClient());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.tasks(), 3, (short) 1),
                    new NewTopic(topics.results(), 3, (short) 1),
                    new NewTopic(topics.tasksDeadLetter(), 1, (short) 1),
                    new NewTopic(topics.jobEvents(), 3, (short) 1),
                    new NewTopic(topics.control(), 3, (short) 1),
                    new NewTopic(topics.workers(), 1, (short) 1))).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot create the worker's topics", e);
        }
    }

    Topics topics() {
        return topics;
    }

    /** An LLM branch task of job {@code jobId} with the given prompt on the named model (null = default). */
    static BranchTask llmTask(String jobId, String branchId, String model, String prompt, Long timeoutMs,
                              Integer maxAttempts) {
        return BranchTask.newBuilder().setJobId(jobId).setDispatchedAt(JobFixtures.T0)
                .setBranch(BranchSpec.newBuilder().setBranchId(branchId).setKind(BranchKind.LLM)
                        .setTimeoutMs(timeoutMs).setMaxAttempts(maxAttempts)
                        .setLlm(LlmCall.newBuilder().setModel(model).setUserPrompt(prompt).build()).build())
                .build();
    }

    void publish(List<BranchTask> tasks) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5), new StringSerializer(),
                new ByteArraySerializer())) {
            for (BranchTask task : tasks) {
                producer.send(new ProducerRecord<>(topics.tasks(), task.getJobId(),
                        serializer.serialize(topics.tasks(), task)));
            }
        }
    }

    /**
     * Writes the tasks to partition 0 of the tasks topic in one transaction, as the dispatcher does, and commits
     * or aborts it.
     */
    void publishInTransaction(List<BranchTask> tasks, boolean commit) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id",
                        topics.prefix() + "test-dispatcher"), new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (BranchTask task : tasks) {
                producer.send(new ProducerRecord<>(topics.tasks(), 0, task.getJobId(),
                        serializer.serialize(topics.tasks(), task)));
            }
            producer.flush();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    List<BranchResult> results() {
        return kafka.readAll(topics.results(), new AvroDeserializer<>(kafka.registryClient(), BranchResult.class))
                .stream().map(ConsumerRecord::value).toList();
    }

    List<ConsumerRecord<String, byte[]>> deadLetters() {
        return kafka.readAll(topics.tasksDeadLetter(), new ByteArrayDeserializer());
    }
}
