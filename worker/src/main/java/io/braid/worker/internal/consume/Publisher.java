package io.braid.worker.internal.consume;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one record and waits for the broker, telling a failure that may pass (Kafka's retriable errors, a timeout,
 * a producer closing on shutdown) from one that will not ({@link Outcome#refused()}: the record is too large,
 * not valid, not authorised). The caller answers a refused record instead of releasing its task to fail again.
 */
final class Publisher {

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    /** How a send went; {@code failure} is null when it was sent. */
    record Outcome(boolean sent, boolean refused, Throwable failure) {

        static final Outcome SENT = new Outcome(true, false, null);

        static Outcome notNow(Throwable failure) {
            return new Outcome(false, false, failure);
        }

        /** The record is larger than the producer's {@code max.request.size} or the topic's limit. */
        boolean tooLarge() {
            return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException;
        }
    }

    private final Producer<String, byte[]> producer;
    private final Duration timeout;

    Publisher(Producer<String, byte[]> producer, Duration timeout) {
        this.producer = producer;
        this.timeout = timeout;
    }

    Outcome send(ProducerRecord<String, byte[]> record) {
        Outcome outcome;
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Outcome.SENT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.notNow(e);
        } catch (ExecutionException e) {
            outcome = classify(e.getCause());
        } catch (TimeoutException e) {
            outcome = Outcome.notNow(e);
        } catch (RuntimeException e) {
            outcome = classify(e);
        }
        log.warn("could not publish to {} ({}): {}", record.topic(), outcome.refused() ? "refused" : "try again later",
                outcome.failure().toString());
        return outcome;
    }

    /** Kafka's non-retriable API errors are refusals; its retriable ones, and a closed producer, may pass. */
    static Outcome classify(Throwable failure) {
        boolean refused = failure instanceof ApiException && !(failure instanceof RetriableException);
        return new Outcome(false, refused, failure);
    }
}
