package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.json.AvroJson;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The aggregator's answer to records it cannot take: none stops it. Unreadable records and records a processor
 * failed on go to the aggregator's dead-letter topic with the reason in headers; a schema registry that cannot be
 * reached is not the record's fault, so the stream thread fails and is replaced, and the record is read again.
 */
public final class AggregatorErrors {

    /** The streams config key under which the orchestrator hands its {@link DeadLetters} to the handlers. */
    public static final String DEAD_LETTERS_CONFIG = "braid.aggregator.dead.letters";

    private static final Logger log = LoggerFactory.getLogger(AggregatorErrors.class);

    private AggregatorErrors() {
    }

    /** How many dead letters the aggregator wrote, and when the last one was: for health. */
    public static final class DeadLetters {
        private final AtomicLong count = new AtomicLong();
        private final AtomicReference<Instant> last = new AtomicReference<>();

        void written(Instant at) {
            count.incrementAndGet();
            last.set(at);
        }

        public long count() {
            return count.get();
        }

        /** When the last dead letter was written; null before the first. */
        public Instant last() {
            return last.get();
        }
    }

    /** The dead letter of an input the join refused: the input as JSON, the reason in the record's headers. */
    static byte[] deadLetterValue(JoinInput input) {
        SpecificRecord record = switch (input) {
            case JoinInput.Manifest m -> m.manifest();
            case JoinInput.Result r -> r.result();
            case JoinInput.Control c -> c.control();
            case JoinInput.Grant g -> g.grant();
        };
        try {
            return AvroJson.toJson(record).toString().getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return record.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Whether {@code e} (or a cause) says the schema registry could not be reached or failed (5xx): not the record's
     * fault, so the record is read again later instead of being dead-lettered.
     */
    public static boolean isRegistryOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.braid.schema.serde.RegistryUnavailableException
                    || t instanceof io.braid.schema.registry.SchemaRegistryException registry && registry.retriable()) {
                return true;
            }
        }
        return false;
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, String topic,
                                                             String input, Exception e) {
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        headers.add(DeadLetterHeaders.ERROR_CLASS, utf8(e.getClass().getSimpleName()));
        headers.add(DeadLetterHeaders.ERROR_MESSAGE, utf8(String.valueOf(e.getMessage())));
        headers.add(DeadLetterHeaders.INPUT, utf8(input));
        headers.add(DeadLetterHeaders.SOURCE, utf8(context.topic() + "-" + context.partition() + "@" + context.offset()));
        return new ProducerRecord<>(topic, null, context.sourceRawKey(), context.sourceRawValue(), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Shared by both handlers: the topic and the counter, from the streams config. */
    abstract static class Handler {
        private String topic;
        private DeadLetters deadLetters = new DeadLetters();

        public void configure(Map<String, ?> configs) {
            topic = String.valueOf(configs.get(
                    org.apache.kafka.streams.StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
            if (configs.get(DEAD_LETTERS_CONFIG) instanceof DeadLetters given) {
                deadLetters = given;
            }
        }

        List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, String input, Exception e) {
            deadLetters.written(Instant.now());
            return List.of(AggregatorErrors.deadLetter(context, topic, input, e));
        }
    }

    /** An unreadable input record: dead-lettered with its bytes, unless the registry was the problem. */
    public static final class Deserialization extends Handler implements DeserializationExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                    Exception exception) {
            if (isRegistryOutage(exception)) {
                log.warn("cannot read {}-{}@{} while the schema registry is unreachable; the stream thread "
                        + "restarts and reads it again: {}", context.topic(), context.partition(), context.offset(),
                        exception.toString());
                return Response.fail();
            }
            log.warn("unreadable record {}-{}@{} dead-lettered: {}", context.topic(), context.partition(),
                    context.offset(), exception.toString());
            return Response.resume(deadLetter(context, "unreadable", exception));
        }
    }

    /** A processor (other than the join, which answers its own failures) threw on a record: dead-letter it. */
    public static final class Processing extends Handler implements ProcessingExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            log.error("processor {} failed on {}-{}@{}; dead-lettered", context.processorNodeId(), context.topic(),
                    context.partition(), context.offset(), exception);
            return Response.resume(deadLetter(context, "processing " + context.processorNodeId(), exception));
        }
    }

    /**
     * A stream thread that died (a registry outage, a broker error it could not ride out) is replaced: the
     * aggregator keeps running and reads from its last commit again.
     */
    public static StreamsUncaughtExceptionHandler replaceThread() {
        return exception -> {
            log.error("an aggregator stream thread died; replacing it", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }
}
