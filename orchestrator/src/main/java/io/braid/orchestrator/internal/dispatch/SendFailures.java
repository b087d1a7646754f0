package io.braid.orchestrator.internal.dispatch;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The dispatcher's memory of what its sends did. Within a batch: each send with the job record it was written for.
 * Across the reads of a batch: the job records whose own records the broker refused for good (too large, invalid),
 * so that the batch, read again, refuses them instead of failing the same way for ever.
 */
final class SendFailures {

    private record Sent(String source, String jobId, Future<?> future) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final Map<String, Integer> refusedByBroker = new HashMap<>();
    private final Map<String, String> causes = new HashMap<>();
    private final Map<String, String> jobIds = new HashMap<>();
    private int refusals;

    void startBatch() {
        sent.clear();
        refusals = 0;
    }

    /** A send written for {@code record}; {@code jobId} is the job it was for (the first send's is the job's own). */
    void track(ConsumerRecord<String, byte[]> record, String jobId, Future<?> future) {
        sent.add(new Sent(source(record), jobId, future));
    }

    /** A record of this batch was refused by the dispatcher (dead-lettered). */
    void refused() {
        refusals++;
    }

    int refusals() {
        return refusals;
    }

    /** Low-latency mode: waits for every send of the batch; a failed one fails the batch. */
    void awaitAll() {
        for (Sent s : sent) {
            try {
                s.future().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while confirming the dispatch batch", e);
            }
        }
    }

    /**
     * After a failed batch: the job records whose sends the broker refused for a reason about the record itself
     * are remembered (and how often); returns how many there were.
     */
    int markRefusedByBroker() {
        java.util.Set<String> marked = new java.util.HashSet<>();
        for (Sent s : sent) {
            Throwable cause = failure(s.future());
            if ((cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                    || cause instanceof InvalidRecordException) && marked.add(s.source())) {
                refusedByBroker.merge(s.source(), 1, Integer::sum);
                causes.put(s.source(), cause.toString());
                sent.stream().filter(first -> first.source().equals(s.source())).findFirst()
                        .ifPresent(first -> jobIds.putIfAbsent(s.source(), first.jobId()));
            }
        }
        return marked.size();
    }

    int timesRefusedByBroker(ConsumerRecord<String, byte[]> record) {
        return refusedByBroker.getOrDefault(source(record), 0);
    }

    /** The id of the job whose records the broker refused, when it had one. */
    String jobId(ConsumerRecord<String, byte[]> record) {
        return jobIds.get(source(record));
    }

    String lastCause(ConsumerRecord<String, byte[]> record) {
        return causes.getOrDefault(source(record), "unknown");
    }

    /** The batch went through: what was refused in it is past. */
    void forgetRefusedByBroker() {
        refusedByBroker.clear();
        causes.clear();
        jobIds.clear();
    }

    private static Throwable failure(Future<?> future) {
        if (!future.isDone()) {
            return null;
        }
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | RuntimeException e) {
            return null;
        }
    }

    private static String source(ConsumerRecord<String, byte[]> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
