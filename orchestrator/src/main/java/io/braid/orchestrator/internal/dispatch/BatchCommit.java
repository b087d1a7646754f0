package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.Delivery;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Supplier;

/**
 * How the dispatcher commits a batch's output with its input offsets: in one transaction (exactly once), or sent,
 * flushed and then committed (low latency, at least once: a crash in between dispatches the batch again, which the
 * aggregator absorbs — a repeated manifest of the same round changes nothing, a repeated branch result is a
 * duplicate).
 */
sealed interface BatchCommit {

    static BatchCommit of(Delivery delivery) {
        return switch (delivery) {
            case EXACTLY_ONCE -> new Transactional();
            case LOW_LATENCY -> new SendThenCommit();
        };
    }

    /** Producer settings this way of committing needs. */
    void configure(Map<String, Object> producerConfig, String transactionalId);

    /** Before the first batch. */
    void start(KafkaProducer<String, byte[]> producer);

    /** Sends the batch ({@code dispatch} returns the offsets to commit) and commits it with its offsets. */
    void commit(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer,
                Supplier<Map<TopicPartition, OffsetAndMetadata>> dispatch, SendFailures failures);

    /** The batch failed: undo what can be undone. */
    void abort(KafkaProducer<String, byte[]> producer);

    final class Transactional implements BatchCommit {
        private static final Logger log = LoggerFactory.getLogger(Transactional.class);

        @Override
        public void configure(Map<String, Object> producerConfig, String transactionalId) {
            producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }

        @Override
        public void start(KafkaProducer<String, byte[]> producer) {
            producer.initTransactions();
        }

        @Override
        public void commit(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer,
                           Supplier<Map<TopicPartition, OffsetAndMetadata>> dispatch, SendFailures failures) {
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(dispatch.get(), consumer.groupMetadata());
            producer.commitTransaction();
        }

        @Override
        public void abort(KafkaProducer<String, byte[]> producer) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                log.warn("aborting the dispatch transaction failed: {}", abortFailed.toString());
            }
        }
    }

    final class SendThenCommit implements BatchCommit {

        @Override
        public void configure(Map<String, Object> producerConfig, String transactionalId) {
            producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        }

        @Override
        public void start(KafkaProducer<String, byte[]> producer) {
        }

        @Override
        public void commit(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer,
                           Supplier<Map<TopicPartition, OffsetAndMetadata>> dispatch, SendFailures failures) {
            Map<TopicPartition, OffsetAndMetadata> next = dispatch.get();
            producer.flush();
            failures.awaitAll();
            consumer.commitSync(next);
        }

        @Override
        public void abort(KafkaProducer<String, byte[]> producer) {
        }
    }
}
