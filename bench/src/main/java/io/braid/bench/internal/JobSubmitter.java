package io.braid.bench.internal;

import io.braid.schema.JobRequest;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes job requests to the jobs topic the way a client does: one long-lived producer, the schema registry wire
 * format, keyed by jobId. The throughput scenario's load generator; {@link JobTimer} times jobs with one.
 */
final class JobSubmitter implements AutoCloseable {

    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<SpecificRecord> serializer;

    JobSubmitter(String bootstrapServers, SchemaRegistry registry, Topics topics) {
        this.topics = topics;
        this.serializer = new AvroSerializer<>(registry);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends {@code job} without waiting for the broker (see {@link #flush()}). */
    void submitAsync(JobRequest job) {
        producer.send(record(job));
    }

    /** Waits until every job sent so far is acknowledged. */
    void flush() {
        producer.flush();
    }

    /** Sends {@code job} and waits for the broker to acknowledge it. */
    void submit(JobRequest job) {
        try {
            producer.send(record(job)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot submit " + job.getJobId() + ": " + e, e);
        }
    }

    private ProducerRecord<String, byte[]> record(JobRequest job) {
        return new ProducerRecord<>(topics.jobs(), job.getJobId(), serializer.serialize(topics.jobs(), job));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
