package io.braid.worker.internal.consume;

import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A consumer loop refused by a full share group (fakes; the broker's side is in GroupFullFleetTest). */
class GroupRefusalsTest {

    private static final String TASKS = "braid.tasks";

    /** A share consumer whose poll throws what Kafka's client throws when the group is full, if {@code full}. */
    private static final class FakeConsumer extends MockShareConsumer<String, byte[]> {
        private final boolean full;
        private volatile boolean closed;

        FakeConsumer(boolean full) {
            this.full = full;
        }

        @Override
        public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
            if (full) {
                throw new GroupMaxSizeReachedException("The share group has reached its maximum capacity of 4 "
                        + "members.");
            }
            return super.poll(timeout);
        }

        @Override
        public synchronized void close(Duration timeout) {
            closed = true;
            super.close(timeout);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry, "w1", 4);
    private final HealthProblems health = new HealthProblems(Clock.systemUTC());
    private final List<FakeConsumer> made = new CopyOnWriteArrayList<>();

    /** Makes consumers the group refuses, {@code refusals} of them, then ones it takes. */
    private Supplier<ShareConsumer<String, byte[]>> consumers(int refusals) {
        return () -> {
            FakeConsumer consumer = new FakeConsumer(made.size() < refusals);
            made.add(consumer);
            return consumer;
        };
    }

    private TaskConsumerLoop loop(Supplier<ShareConsumer<String, byte[]>> consumers, GroupRefusals refusals) {
        return new TaskConsumerLoop(0, consumers, java.util.List.of(TASKS), Runnable::run, null, metrics, health, () -> false,
                refusals);
    }

    @Test
    void a_refused_consumer_is_counted_and_replaced_until_one_joins_and_the_loop_never_dies() throws Exception {
        GroupRefusals refusals = new GroupRefusals("braid-workers", 1, metrics,
                new GroupRefusals.Retries(Duration.ofMillis(10), Duration.ofMillis(40)));
        TaskConsumerLoop loop = loop(consumers(3), refusals);
        Thread thread = Thread.ofPlatform().start(loop);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> made.size() == 4);
            assertThat(loop.refused()).as("until the join is confirmed").isTrue();
            assertThat(loop.joined()).isFalse();
            assertThat(refusals.refusedNow()).isEqualTo(1);
            assertThat(refusals.problem()).contains("share group braid-workers is full")
                    .contains("refused 1 share consumer of this worker, which runs 1")
                    .contains("group.share.max.size").contains("--records-per-poll");
            assertThat(made.subList(0, 3)).as("each refused consumer is closed").allMatch(c -> c.closed);

            await().atMost(Duration.ofSeconds(10)).until(() -> !loop.refused());
            assertThat(loop.joined()).isTrue();
            assertThat(refusals.refusedNow()).isZero();
            assertThat(refusals.problem()).isNull();
        } finally {
            loop.stopFetching();
            thread.join(Duration.ofSeconds(10));
        }
        assertThat(registry.get("braid.worker.share.group.refusals").tag("worker", "w1").counter().count())
                .isEqualTo(3.0);
        assertThat(loop.failure()).isNull();
        assertThat(health.none()).as("a full group is not a failure of the worker").isTrue();
        assertThat(made).hasSize(4);
    }

    @Test
    void stopping_ends_the_wait_of_a_refused_consumer_at_once() throws Exception {
        GroupRefusals refusals = new GroupRefusals("braid-workers", 1, metrics,
                new GroupRefusals.Retries(Duration.ofMinutes(10), Duration.ofMinutes(10)));
        TaskConsumerLoop loop = loop(consumers(Integer.MAX_VALUE), refusals);
        Thread thread = Thread.ofPlatform().start(loop);
        await().atMost(Duration.ofSeconds(10)).until(loop::refused);

        loop.stopFetching();

        assertThat(thread.join(Duration.ofSeconds(5))).as("the loop ended within 5 s of a 10 min wait").isTrue();
        assertThat(made).hasSize(1);
        assertThat(loop.failure()).isNull();
    }

    @Test
    void the_wait_doubles_from_the_first_to_the_last_retry_with_half_of_it_jittered() {
        GroupRefusals refusals = new GroupRefusals("g", 4, metrics, GroupRefusals.Retries.DEFAULT);
        for (int i = 0; i < 50; i++) {
            assertThat(refusals.retryAfter(1)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
            assertThat(refusals.retryAfter(2)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertThat(refusals.retryAfter(5)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
            assertThat(refusals.retryAfter(1000)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
        }
    }

    @Test
    void a_retry_range_that_is_not_positive_and_ordered_is_refused_naming_it() {
        assertThatThrownBy(() -> new GroupRefusals.Retries(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group-full retries");
        assertThatThrownBy(() -> new GroupRefusals.Retries(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group-full retries");
    }
}
