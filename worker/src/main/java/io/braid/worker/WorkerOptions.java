package io.braid.worker;

import io.braid.schema.Topics;
import io.braid.worker.retry.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a worker process. Build with {@link #builder(String, String)}; {@link #validate()} explains what
 * to fix.
 *
 * <p>In flight: a worker runs at most {@code consumers × maxRecordsPerPoll} branches at once (each share consumer
 * refills only when its whole batch is acknowledged).
 *
 * <p>Record lock: the share group's {@code share.record.lock.duration.ms} is set to {@link #recordLockDuration()}.
 * A record whose lock expires is handed to another worker, so the lock must outlast a branch's whole run —
 * every attempt's timeout plus the backoff between them; {@code validate()} enforces lock &gt; default timeout ×
 * default attempts + max backoff between them.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param registryUrl        schema registry base URL
 * @param topics             topic names
 * @param groupId            the share group all workers join
 * @param workerId           this worker's name in results and events
 * @param consumers          share consumers (threads) in this worker
 * @param maxRecordsPerPoll  records one consumer acquires per poll
 * @param defaultTimeout     per-attempt branch timeout when the task does not set one
 * @param recordLockDuration the share group's acquisition lock
 * @param retryPolicy        retries of retriable failures
 * @param simulatedLatencyMin fastest answer of the simulated model
 * @param simulatedLatencyMax slowest answer of the simulated model
 * @param clock              time source of result timestamps
 */
public record WorkerOptions(
        String bootstrapServers,
        String registryUrl,
        Topics topics,
        String groupId,
        String workerId,
        int consumers,
        int maxRecordsPerPoll,
        Duration defaultTimeout,
        Duration recordLockDuration,
        RetryPolicy retryPolicy,
        Duration simulatedLatencyMin,
        Duration simulatedLatencyMax,
        Clock clock) {

    public static final String DEFAULT_GROUP_ID = "braid-workers";

    public WorkerOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(recordLockDuration, "recordLockDuration");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(simulatedLatencyMin, "simulatedLatencyMin");
        Objects.requireNonNull(simulatedLatencyMax, "simulatedLatencyMax");
        Objects.requireNonNull(clock, "clock");
    }

    public static Builder builder(String bootstrapServers, String registryUrl) {
        return new Builder(bootstrapServers, registryUrl);
    }

    /** The most branches this worker runs at once. */
    public int maxInFlight() {
        return consumers * maxRecordsPerPoll;
    }

    public WorkerOptions validate() {
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are empty; pass host:port, e.g. 127.0.0.1:9092");
        }
        if (consumers < 1 || consumers > 256) {
            throw new IllegalArgumentException("consumers = " + consumers + "; use 1 to 256");
        }
        if (maxRecordsPerPoll < 1 || maxRecordsPerPoll > 10_000) {
            throw new IllegalArgumentException("max records per poll = " + maxRecordsPerPoll + "; use 1 to 10000");
        }
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("default branch timeout " + defaultTimeout + " must be positive");
        }
        Duration worstCase = defaultTimeout.multipliedBy(retryPolicy.defaultMaxAttempts())
                .plus(retryPolicy.maxBackoff().multipliedBy(retryPolicy.defaultMaxAttempts() - 1));
        if (recordLockDuration.compareTo(worstCase) <= 0) {
            throw new IllegalArgumentException("record lock " + recordLockDuration.toSeconds() + " s must outlast a "
                    + "branch's worst case, timeout × attempts + backoff = " + worstCase.toSeconds()
                    + " s; raise the lock or lower the branch timeout / attempts");
        }
        if (simulatedLatencyMin.isNegative() || simulatedLatencyMax.compareTo(simulatedLatencyMin) < 0) {
            throw new IllegalArgumentException("simulated latency must satisfy 0 <= min (" + simulatedLatencyMin
                    + ") <= max (" + simulatedLatencyMax + ")");
        }
        return this;
    }

    public static final class Builder {
        private final String bootstrapServers;
        private final String registryUrl;
        private Topics topics = Topics.defaults();
        private String groupId = DEFAULT_GROUP_ID;
        private String workerId = "worker-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        private int consumers = 4;
        private int maxRecordsPerPoll = 50;
        private Duration defaultTimeout = Duration.ofSeconds(60);
        private Duration recordLockDuration = Duration.ofMinutes(5);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration simulatedLatencyMin = Duration.ofMillis(200);
        private Duration simulatedLatencyMax = Duration.ofMillis(600);
        private Clock clock = Clock.systemUTC();

        private Builder(String bootstrapServers, String registryUrl) {
            this.bootstrapServers = bootstrapServers;
            this.registryUrl = registryUrl;
        }

        public Builder topics(Topics value) { this.topics = value; return this; }

        public Builder groupId(String value) { this.groupId = value; return this; }

        public Builder workerId(String value) { this.workerId = value; return this; }

        public Builder consumers(int value) { this.consumers = value; return this; }

        public Builder maxRecordsPerPoll(int value) { this.maxRecordsPerPoll = value; return this; }

        public Builder defaultTimeout(Duration value) { this.defaultTimeout = value; return this; }

        public Builder recordLockDuration(Duration value) { this.recordLockDuration = value; return this; }

        public Builder retryPolicy(RetryPolicy value) { this.retryPolicy = value; return this; }

        public Builder simulatedLatency(Duration min, Duration max) {
            this.simulatedLatencyMin = min;
            this.simulatedLatencyMax = max;
            return this;
        }

        public Builder clock(Clock value) { this.clock = value; return this; }

        public WorkerOptions build() {
            return new WorkerOptions(bootstrapServers, registryUrl, topics, groupId, workerId, consumers,
                    maxRecordsPerPoll, defaultTimeout, recordLockDuration, retryPolicy, simulatedLatencyMin,
                    simulatedLatencyMax, clock).validate();
        }
    }
}
