package io.braid.spring.internal;

import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import io.braid.testing.JobFixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ConsumerSeekAware.ConsumerSeekCallback;
import org.springframework.kafka.support.Acknowledgment;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The results listener without a broker: which records complete which futures, and where it seeks. */
class ResultsListenerTest {

    private static final long FROM = 1_000L;

    private final Topics topics = new Topics("braid.");
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AtomicInteger mismatched = new AtomicInteger();
    private final TemplateMeters meters = new TemplateMeters() {
        @Override
        public void mismatched() {
            mismatched.incrementAndGet();
        }
    };
    private final PendingJobs pending = new PendingJobs(10, meters,
            (task, delay, unit) -> new CompletableFuture<Void>(), Runnable::run);
    private final ResultsListener listener = new ResultsListener(topics, registry, pending, FROM, meters);

    private ConsumerRecord<String, byte[]> result(int partition, long offset, String key, String jobId) {
        JobResult result = JobResult.newBuilder().setJobId(jobId).setStatus(JobStatus.SUCCEEDED)
                .setCompletedBy("ALL").setBranches(List.of()).setSubmittedAt(JobFixtures.T0)
                .setCompletedAt(JobFixtures.T0).build();
        return new ConsumerRecord<>(topics.jobResults(), partition, offset, key,
                new AvroSerializer<>(registry).serialize(topics.jobResults(), result));
    }

    /** A seek callback that writes down the seeks asked of it. */
    private static ConsumerSeekCallback recording(List<String> seeks) {
        return (ConsumerSeekCallback) Proxy.newProxyInstance(ResultsListenerTest.class.getClassLoader(),
                new Class<?>[]{ConsumerSeekCallback.class}, (proxy, method, args) -> {
                    seeks.add(method.getName() + Arrays.toString(args));
                    return null;
                });
    }

    @Test
    void a_result_whose_key_is_not_its_job_id_completes_no_job() {
        CompletableFuture<JobResult> a = pending.await("a", Duration.ofMinutes(1), null);
        CompletableFuture<JobResult> b = pending.await("b", Duration.ofMinutes(1), null);

        listener.onMessage(result(0, 0, "a", "b"), (Acknowledgment) null);

        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThat(mismatched).hasValue(1);
        listener.onMessage(result(1, 0, "b", "b"), (Acknowledgment) null);
        assertThat(b).isCompletedWithValueMatching(r -> r.getJobId().equals("b"));
        assertThat(a).isNotDone();
    }

    @Test
    void a_partition_is_sought_to_the_start_time_once_and_resumed_where_it_was_after_a_rebalance() {
        TopicPartition read = new TopicPartition(topics.jobResults(), 0);
        TopicPartition unread = new TopicPartition(topics.jobResults(), 1);
        TopicPartition events = new TopicPartition(topics.jobEvents(), 0);
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();

        listener.onPartitionsAssigned(Map.of(read, 0L, unread, 0L), recording(first));
        listener.onMessage(result(0, 41, "someone-else", "someone-else"), (Acknowledgment) null);
        listener.onMessage(result(0, 42, "someone-else", "someone-else"), (Acknowledgment) null);
        listener.onPartitionsRevoked(List.of(read, unread));
        listener.onPartitionsAssigned(Map.of(read, 0L, unread, 0L, events, 0L), recording(second));

        assertThat(first).hasSize(1);
        assertThat(first.getFirst()).startsWith("seekToTimestamp[[").endsWith("], " + FROM + "]")
                .contains(read.toString(), unread.toString());
        assertThat(second).hasSize(2).contains("seek[" + topics.jobResults() + ", 0, 43]");
        assertThat(second).filteredOn(seek -> seek.startsWith("seekToTimestamp")).singleElement()
                .satisfies(seek -> assertThat(seek).endsWith("], " + FROM + "]")
                        .contains(unread.toString(), events.toString()).doesNotContain(read + ","));
        assertThat(listener.resultPartitionsAssigned()).isEqualTo(2);
    }
}
