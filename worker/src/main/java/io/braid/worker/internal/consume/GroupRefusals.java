package io.braid.worker.internal.consume;

import io.braid.worker.internal.observe.WorkerMetrics;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker's share consumers that its share group refused because the group was full: the broker holds at most
 * {@code group.share.max.size} members in a share group (Kafka's default 200, at most 1000), and every share
 * consumer of every worker is one. Shared by the worker's {@link TaskConsumerLoop}s: each refused loop reports here,
 * waits {@link #retryAfter(int)} and tries to join again with a new consumer, so it joins once workers leave.
 *
 * <p>Logged once per episode (from the first refusal until no consumer is refused any more) at WARN with what to
 * change, then at DEBUG; counted in the metrics; {@link #problem()} is what the worker's health says.
 */
public final class GroupRefusals {

    /**
     * How long a refused consumer waits before trying again: {@code first}, then twice as long each time up to
     * {@code last}, half of each wait jittered so that refused consumers do not try all at once.
     */
    public record Retries(Duration first, Duration last) {

        /** 5 s, doubling up to 60 s: a freed seat is taken within a minute, at 2 tries a minute per consumer. */
        public static final Retries DEFAULT = new Retries(Duration.ofSeconds(5), Duration.ofSeconds(60));

        public Retries {
            if (first.isNegative() || first.isZero() || last.compareTo(first) < 0) {
                throw new IllegalArgumentException("group-full retries must satisfy 0 < first (" + first
                        + ") <= last (" + last + ")");
            }
        }
    }

    private static final Logger log = LoggerFactory.getLogger(GroupRefusals.class);

    private final String groupId;
    private final int consumers;
    private final WorkerMetrics metrics;
    private final Retries retries;
    private final Set<Integer> refused = new ConcurrentSkipListSet<>();

    /** @param consumers the share consumers this worker runs */
    public GroupRefusals(String groupId, int consumers, WorkerMetrics metrics, Retries retries) {
        this.groupId = groupId;
        this.consumers = consumers;
        this.metrics = metrics;
        this.retries = retries;
    }

    /**
     * Consumer {@code index} was refused for the {@code refusals}-th time in a row: counted, logged, and how long it
     * waits before trying again.
     */
    synchronized Duration refused(int index, GroupMaxSizeReachedException failure, int refusals) {
        boolean first = refused.isEmpty();
        refused.add(index);
        metrics.shareConsumerRefused();
        Duration wait = retryAfter(refusals);
        if (first) {
            log.warn("{}. The broker said: \"{}\" Refused consumers try again after {} ms, waiting twice as long "
                    + "each time up to {} ms; the worker serves with those that joined, and reports not ready while "
                    + "none did.", advice("a share consumer"), failure.getMessage(), retries.first().toMillis(),
                    retries.last().toMillis());
        } else {
            log.debug("share consumer {} refused by the full share group {} ({} in a row); trying again in {} ms",
                    index, groupId, refusals, wait.toMillis());
        }
        return wait;
    }

    /** Consumer {@code index}, refused before, joined the group. */
    synchronized void joined(int index) {
        if (refused.remove(index)) {
            log.info("share consumer {} joined share group {} after being refused for a full group; {} of this "
                    + "worker's {} consumers still wait", index, groupId, refused.size(), consumers);
        }
    }

    /** The wait before try {@code refusals + 1}: doubling from the first retry up to the last, half of it jittered. */
    Duration retryAfter(int refusals) {
        int doublings = Math.min(Math.max(refusals - 1, 0), 20);
        long base = Math.min(retries.last().toMillis(), retries.first().toMillis() << doublings);
        long half = base / 2;
        return Duration.ofMillis(base - half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** This worker's consumers the group refuses now. */
    public int refusedNow() {
        return refused.size();
    }

    /** What the worker's health reports while a consumer is refused, else null. */
    public String problem() {
        int now = refused.size();
        return now == 0 ? null : advice(now + (now == 1 ? " share consumer" : " share consumers"));
    }

    private String advice(String refusedConsumers) {
        return "share group " + groupId + " is full: it refused " + refusedConsumers + " of this worker, which runs "
                + consumers + ". The broker's group.share.max.size (Kafka's default 200, at most 1000) caps the "
                + "group's members, and every share consumer of every worker is one: workers × consumers per worker "
                + "must fit. Raise group.share.max.size on the broker, or run fewer consumers per worker (consumers = "
                + "max-in-flight / records-per-poll: raise --records-per-poll), or fewer workers";
    }
}
