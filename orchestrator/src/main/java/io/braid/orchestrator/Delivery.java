package io.braid.orchestrator;

import java.util.Locale;

/**
 * How an orchestrator delivers: the one name of the mode from the command line ({@code --delivery}) to the join.
 */
public enum Delivery {

    /**
     * Both stages exactly once (the default): the dispatcher writes a job's manifest and tasks in one transaction
     * with its input offsets, and the aggregator runs {@code exactly_once_v2}. A job result is visible when the
     * transaction that wrote it commits: at the next commit interval under load, as soon as the join's input
     * drains when idle.
     */
    EXACTLY_ONCE,

    /**
     * Both stages at least once, for latency: the dispatcher sends, flushes and then commits its offsets, and the
     * aggregator runs {@code at_least_once}, so a job result is visible as soon as it is written. After a crash a
     * batch may be dispatched again and a job result written again; repeats are harmless to the join, and a
     * repeated JobResult (keyed by job id and round) has the same content — the join takes its time from its
     * inputs, not the clock — so consumers keep the first per (jobId, round).
     */
    LOW_LATENCY;

    /** The name on the command line and in configuration: {@code exactly-once}, {@code low-latency}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads {@code exactly-once} or {@code low-latency} (any case, {@code _} for {@code -} accepted). */
    public static Delivery parse(String text) {
        for (Delivery delivery : values()) {
            if (delivery.optionName().equalsIgnoreCase(text.trim().replace('_', '-'))) {
                return delivery;
            }
        }
        throw new IllegalArgumentException("delivery '" + text + "' is not one of exactly-once, low-latency");
    }

    @Override
    public String toString() {
        return optionName();
    }
}
