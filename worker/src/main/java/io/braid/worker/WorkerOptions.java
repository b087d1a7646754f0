package io.braid.worker;

import io.braid.schema.GroupIds;

import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;

import io.opentelemetry.api.OpenTelemetry;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a worker process. Build with {@link #builder(String, String)}; {@link #validate()} explains what
 * to fix.
 *
 * <p><b>In flight.</b> A worker runs at most {@link #maxInFlight()} branches at once, on virtual threads. It holds
 * {@link #consumers()} share consumers, each acquiring up to {@link #recordsPerPoll()} task records per poll and
 * polling again only when all of them are done; when every consumer is busy the worker fetches nothing. Smaller
 * polls spread a quiet topic over more workers and let a slow branch hold back fewer others; larger polls mean
 * fewer consumers (threads, connections, group members) per worker. Unless set, records per poll is
 * {@link #automaticRecordsPerPoll(int)}: {@value #DEFAULT_RECORDS_PER_POLL}, or more so that a worker runs at most
 * {@value #AUTOMATIC_CONSUMERS} consumers (each share consumer has a client thread of its own, busy on every
 * poll: at 10,000 in flight, 250 consumers kept a core busy and took minutes to join, 20 did not).
 *
 * <p><b>Record lock.</b> The share group's {@code share.record.lock.duration.ms} is set to
 * {@link #recordLockDuration()}: a task record not acknowledged within it is handed to another worker. So a
 * branch's whole run — every attempt and the backoff between them — must fit in it: {@link #runBudget()} (the
 * lock less a margin for publishing the result) caps each attempt's timeout and stops retries that would not
 * finish in time. Raise the lock for longer branches; the broker's {@code group.share.max.record.lock.duration.ms}
 * (60 s by default) must allow it. A dead worker's records come back sooner: when its connection drops.
 *
 * <p><b>Result size.</b> A branch result larger than {@link #maxResultBytes()} serialized is not published: the
 * branch is answered FAILED {@code OutputTooLarge} (its output dropped), dead-lettered, and its task acknowledged.
 * The worker's producer may send records of {@link #recordLimits()}: at least Braid's default record size, so a
 * dead letter carrying a task fits.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param registryUrl         schema registry base URL
 * @param topics              topic names
 * @param groupId             the share group all workers join
 * @param workerId            this worker's name in results, events and metrics
 * @param maxInFlight         the most branches this worker runs at once
 * @param recordsPerPoll      records one share consumer acquires per poll
 * @param defaultTimeout      per-attempt branch timeout when the task does not set one
 * @param recordLockDuration  the share group's acquisition lock
 * @param shutdownGrace       how long a stopping worker lets running branches finish before releasing them
 * @param httpPort            port of the health and metrics endpoint: 0 picks a free one, negative turns it off
 * @param httpBind            address of the health and metrics endpoint: loopback unless set (0.0.0.0 in
 *                            containers, for probes and scrapers)
 * @param metricsToken        bearer token /metrics asks for; null leaves it open (health stays open)
 * @param retryPolicy         retries of retriable failures
 * @param simulatedLatencyMin fastest answer of the simulated model
 * @param simulatedLatencyMax slowest answer of the simulated model
 * @param simulatedOutage     the simulated model fails every call like a provider that is down (for drills)
 * @param disabledTools       tools switched off on this worker: their branches fail at once (non-retriable)
 * @param config              named models and tool settings (a config file); null = one simulated model with the
 *                            latency above, built-in tools with their defaults
 * @param toolPlugins         folders of plugin jars (or jars) whose {@code BraidTool}s the worker adds
 * @param kafkaProperties     extra Kafka client properties (TLS, SASL) for every client of the worker
 * @param progressEvents      publish BRANCH_STARTED / RETRYING / FINISHED events to the job-events topic (what
 *                            {@code braid watch} draws); off saves two of the four records a branch writes
 * @param maxResultBytes      the largest branch result published, serialized (default
 *                            {@link RecordLimits#DEFAULT_MAX_RESULT_BYTES}, 256 KiB; at least 1024)
 * @param memberShareRefresh  the longest interval between two reads of the share group's members for this worker's
 *                            share of the {@code rateLimits} (default {@link #DEFAULT_MEMBER_SHARE_REFRESH}; 1 s to
 *                            5 min): reads come every 0.5 s while the membership changes, then slow down to this
 * @param shareDeliveryLimit  the share group's {@code group.share.delivery.count.limit} on the broker (default
 *                            {@link #DEFAULT_SHARE_DELIVERY_LIMIT}, Kafka's; 2 to 10, Kafka's range): on a record's
 *                            last delivery a branch that cannot get its turn is answered FAILED rather than released,
 *                            since the group would archive the record unanswered. Set it to the broker's value
 * @param statusInterval      how often the worker publishes its status ({@code WorkerStatus}: in flight, each model's
 *                            rate-limit state) to the workers topic, for the consoles (default
 *                            {@link #DEFAULT_STATUS_INTERVAL}; 1 s to 5 min; zero = off)
 * @param openTelemetry       where the attempt, model call and tool call spans go (see README "Tracing"); the default,
 *                            {@link OpenTelemetry#noop()}, traces nothing and adds no header (zero cost). The caller
 *                            owns it: the worker does not close it
 * @param clock               time source of result timestamps and run budgets
 */
public record WorkerOptions(
        String bootstrapServers,
        String registryUrl,
        Topics topics,
        String groupId,
        String workerId,
        int maxInFlight,
        int recordsPerPoll,
        Duration defaultTimeout,
        Duration recordLockDuration,
        Duration shutdownGrace,
        int httpPort,
        String httpBind,
        io.braid.worker.internal.observe.ReadToken metricsToken,
        RetryPolicy retryPolicy,
        Duration simulatedLatencyMin,
        Duration simulatedLatencyMax,
        boolean simulatedOutage,
        java.util.Set<String> disabledTools,
        WorkerConfig config,
        java.util.List<java.nio.file.Path> toolPlugins,
        java.util.Map<String, String> kafkaProperties,
        boolean progressEvents,
        int maxResultBytes,
        Duration memberShareRefresh,
        int shareDeliveryLimit,
        Duration statusInterval,
        OpenTelemetry openTelemetry,
        Clock clock) {

    /** The health and metrics endpoint's address unless configured: loopback, reachable only from this machine. */
    public static final String DEFAULT_HTTP_BIND = "127.0.0.1";
    /**
     * How long a worker's share of the rate limits may lag a worker joining a still fleet: 5 s, a describe per worker
     * every 5 s (a few hundred a minute for a hundred workers) against at most 5 s of a too-large share.
     */
    public static final Duration DEFAULT_MEMBER_SHARE_REFRESH = Duration.ofSeconds(5);
    /** The most {@link #memberShareRefresh()} may be: longer leaves a joiner's share wrong for too long. */
    public static final Duration MAX_MEMBER_SHARE_REFRESH = Duration.ofMinutes(5);
    /** How often a worker publishes its status unless set. */
    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(5);
    /** The shortest {@link #statusInterval()} but zero (off): a status a second per worker is plenty. */
    public static final Duration MIN_STATUS_INTERVAL = Duration.ofSeconds(1);
    /** The longest {@link #statusInterval()}: a console forgets a worker after a few intervals unheard. */
    public static final Duration MAX_STATUS_INTERVAL = Duration.ofMinutes(5);
    /** Kafka's default {@code group.share.delivery.count.limit}: deliveries of a record before it is archived. */
    public static final int DEFAULT_SHARE_DELIVERY_LIMIT = 5;
    /** Records per poll for up to {@code 16 ×} {@value #AUTOMATIC_CONSUMERS} in flight, unless set. */
    public static final int DEFAULT_RECORDS_PER_POLL = 16;
    /** The most share consumers a worker runs when records per poll is not set. */
    public static final int AUTOMATIC_CONSUMERS = 32;

    /**
     * Records per poll when not set: {@value #DEFAULT_RECORDS_PER_POLL}, or {@code maxInFlight /}
     * {@value #AUTOMATIC_CONSUMERS} rounded up when that is more, and never more than {@code maxInFlight} (one
     * consumer for a worker of fewer than {@value #DEFAULT_RECORDS_PER_POLL}).
     */
    public static int automaticRecordsPerPoll(int maxInFlight) {
        int perPoll = Math.max(DEFAULT_RECORDS_PER_POLL, (maxInFlight + AUTOMATIC_CONSUMERS - 1) / AUTOMATIC_CONSUMERS);
        return Math.max(1, Math.min(maxInFlight, perPoll));
    }

    public WorkerOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(recordLockDuration, "recordLockDuration");
        Objects.requireNonNull(memberShareRefresh, "memberShareRefresh");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(statusInterval, "statusInterval");
        Objects.requireNonNull(httpBind, "httpBind");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(simulatedLatencyMin, "simulatedLatencyMin");
        Objects.requireNonNull(simulatedLatencyMax, "simulatedLatencyMax");
        Objects.requireNonNull(clock, "clock");
        openTelemetry = openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
        disabledTools = java.util.Set.copyOf(disabledTools);
        toolPlugins = java.util.List.copyOf(toolPlugins);
        kafkaProperties = java.util.Map.copyOf(kafkaProperties);
    }

    /** Bootstrap servers and client properties, for every Kafka client the worker makes. */
    public KafkaConnection kafka() {
        return new KafkaConnection(bootstrapServers, kafkaProperties);
    }

    /** The models and tool settings this worker runs with: {@link #config()} or the simulated default. */
    public WorkerConfig effectiveConfig() {
        return config != null ? config : WorkerConfig.simulatedOnly(simulatedLatencyMin, simulatedLatencyMax);
    }

    public static Builder builder(String bootstrapServers, String registryUrl) {
        return new Builder(bootstrapServers, registryUrl);
    }

    /** Share consumers in this worker: enough polls of {@link #recordsPerPoll()} to fill {@link #maxInFlight()}. */
    public int consumers() {
        return (maxInFlight + recordsPerPoll - 1) / recordsPerPoll;
    }

    /**
     * The record limits this worker's producer works to: Braid's default record size, or twice
     * {@link #maxResultBytes()} when that is larger (a result is at most half a record).
     */
    public RecordLimits recordLimits() {
        long recordBytes = Math.max(RecordLimits.DEFAULT_RECORD_BYTES, 2L * maxResultBytes);
        int bytes = (int) Math.min(recordBytes, Integer.MAX_VALUE - RecordLimits.FRAMING_BYTES);
        return RecordLimits.defaults().withRecordBytes(bytes).withMaxResultBytes(maxResultBytes);
    }

    /**
     * How long a task record is held, asking the schema registry again, while the registry cannot be had to read it
     * (or to write its result) before it is released: half the run budget, at most a minute.
     */
    public Duration registryWait() {
        Duration half = runBudget().dividedBy(2);
        return half.compareTo(Duration.ofMinutes(1)) < 0 ? half : Duration.ofMinutes(1);
    }

    /** How long one branch may take, all attempts and backoff included: the record lock less a publishing margin. */
    public Duration runBudget() {
        Duration margin = recordLockDuration.dividedBy(10);
        return recordLockDuration.minus(margin.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : margin);
    }

    public WorkerOptions validate() {
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are empty; pass host:port, e.g. 127.0.0.1:9092");
        }
        if (maxInFlight < 1 || maxInFlight > 100_000) {
            throw new IllegalArgumentException("max in flight = " + maxInFlight + "; use 1 to 100000");
        }
        if (recordsPerPoll < 1 || recordsPerPoll > maxInFlight) {
            throw new IllegalArgumentException("records per poll = " + recordsPerPoll + "; use 1 to max in flight ("
                    + maxInFlight + ")");
        }
        if (consumers() > 512) {
            throw new IllegalArgumentException(maxInFlight + " in flight at " + recordsPerPoll + " records per poll "
                    + "needs " + consumers() + " share consumers; raise records per poll so it needs 512 or fewer");
        }
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("default branch timeout " + defaultTimeout + " must be positive");
        }
        if (recordLockDuration.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("record lock " + recordLockDuration + " is too short; use 2 s or more");
        }
        if (defaultTimeout.compareTo(runBudget()) > 0) {
            throw new IllegalArgumentException("default branch timeout " + defaultTimeout.toSeconds() + " s does not "
                    + "fit in the record lock of " + recordLockDuration.toSeconds() + " s (a branch may run "
                    + runBudget().toSeconds() + " s in all); raise the record lock or lower the timeout");
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown grace " + shutdownGrace + " must not be negative");
        }
        if (httpPort > 65_535) {
            throw new IllegalArgumentException("HTTP port " + httpPort + " is not a port; use 0 to 65535");
        }
        if (simulatedLatencyMin.isNegative() || simulatedLatencyMax.compareTo(simulatedLatencyMin) < 0) {
            throw new IllegalArgumentException("simulated latency must satisfy 0 <= min (" + simulatedLatencyMin
                    + ") <= max (" + simulatedLatencyMax + ")");
        }
        if (maxResultBytes < 1024) {
            throw new IllegalArgumentException("max result bytes " + maxResultBytes + " (--max-result-bytes) is too "
                    + "small; use 1024 or more (default " + RecordLimits.DEFAULT_MAX_RESULT_BYTES + ")");
        }
        if (memberShareRefresh.compareTo(Duration.ofSeconds(1)) < 0
                || memberShareRefresh.compareTo(MAX_MEMBER_SHARE_REFRESH) > 0) {
            throw new IllegalArgumentException("member share refresh " + memberShareRefresh + " is outside 1 s to "
                    + MAX_MEMBER_SHARE_REFRESH.toMinutes() + " min (default " + DEFAULT_MEMBER_SHARE_REFRESH
                    .toSeconds() + " s)");
        }
        if (shareDeliveryLimit < 2 || shareDeliveryLimit > 10) {
            throw new IllegalArgumentException("share delivery limit " + shareDeliveryLimit + " (shareDeliveryLimit) "
                    + "is outside Kafka's 2 to 10 for group.share.delivery.count.limit (default "
                    + DEFAULT_SHARE_DELIVERY_LIMIT + ")");
        }
        if (!statusInterval.isZero() && (statusInterval.compareTo(MIN_STATUS_INTERVAL) < 0
                || statusInterval.compareTo(MAX_STATUS_INTERVAL) > 0)) {
            throw new IllegalArgumentException("status interval " + statusInterval + " (--status-interval) is outside "
                    + MIN_STATUS_INTERVAL.toSeconds() + " s to " + MAX_STATUS_INTERVAL.toMinutes() + " min; 0s turns "
                    + "the worker's status off (default " + DEFAULT_STATUS_INTERVAL.toSeconds() + " s)");
        }
        recordLimits(); // refuses a result limit no record could hold
        String problem = effectiveConfig().problem();
        if (problem != null) {
            throw new IllegalArgumentException("worker config: " + problem);
        }
        return this;
    }

    /** Every setting, with secrets masked ({@link io.braid.schema.Redacted}): safe to log. */
    @Override
    public String toString() {
        return io.braid.schema.Redacted.toString(this);
    }

    public static final class Builder {
        private final String bootstrapServers;
        private final String registryUrl;
        private Topics topics = Topics.defaults();
        private String groupId = GroupIds.WORKERS;
        private String workerId = "worker-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        private int maxInFlight = 256;
        private Integer recordsPerPoll;
        private Duration defaultTimeout = Duration.ofSeconds(60);
        private Duration recordLockDuration = Duration.ofMinutes(5);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private int httpPort = -1;
        private String httpBind = DEFAULT_HTTP_BIND;
        private io.braid.worker.internal.observe.ReadToken metricsToken;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration simulatedLatencyMin = Duration.ofMillis(200);
        private Duration simulatedLatencyMax = Duration.ofMillis(600);
        private boolean simulatedOutage;
        private java.util.Set<String> disabledTools = java.util.Set.of();
        private WorkerConfig config;
        private java.util.List<java.nio.file.Path> toolPlugins = java.util.List.of();
        private java.util.Map<String, String> kafkaProperties = java.util.Map.of();
        private boolean progressEvents = true;
        private int maxResultBytes = RecordLimits.DEFAULT_MAX_RESULT_BYTES;
        private Duration memberShareRefresh = DEFAULT_MEMBER_SHARE_REFRESH;
        private int shareDeliveryLimit = DEFAULT_SHARE_DELIVERY_LIMIT;
        private Duration statusInterval = DEFAULT_STATUS_INTERVAL;
        private Clock clock = Clock.systemUTC();
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();

        private Builder(String bootstrapServers, String registryUrl) {
            this.bootstrapServers = bootstrapServers;
            this.registryUrl = registryUrl;
        }

        public Builder topics(Topics value) { this.topics = value; return this; }

        public Builder groupId(String value) { this.groupId = value; return this; }

        public Builder workerId(String value) { this.workerId = value; return this; }

        public Builder maxInFlight(int value) { this.maxInFlight = value; return this; }

        /** Records one share consumer acquires per poll; null = {@link #automaticRecordsPerPoll(int)}. */
        public Builder recordsPerPoll(Integer value) { this.recordsPerPoll = value; return this; }

        public Builder defaultTimeout(Duration value) { this.defaultTimeout = value; return this; }

        public Builder recordLockDuration(Duration value) { this.recordLockDuration = value; return this; }

        public Builder shutdownGrace(Duration value) { this.shutdownGrace = value; return this; }

        public Builder httpPort(int value) { this.httpPort = value; return this; }

        /** The health and metrics endpoint's address (default {@value #DEFAULT_HTTP_BIND}). */
        public Builder httpBind(String value) { this.httpBind = value; return this; }

        /** The bearer token /metrics asks for; null or blank = open. Kept only as its digest. */
        public Builder metricsToken(String token) {
            this.metricsToken = io.braid.worker.internal.observe.ReadToken.of(token);
            return this;
        }

        public Builder retryPolicy(RetryPolicy value) { this.retryPolicy = value; return this; }

        public Builder simulatedLatency(Duration min, Duration max) {
            this.simulatedLatencyMin = min;
            this.simulatedLatencyMax = max;
            return this;
        }

        public Builder simulatedOutage(boolean value) { this.simulatedOutage = value; return this; }

        public Builder disabledTools(java.util.Set<String> value) { this.disabledTools = value; return this; }

        public Builder config(WorkerConfig value) { this.config = value; return this; }

        public Builder toolPlugins(java.util.List<java.nio.file.Path> value) { this.toolPlugins = value; return this; }

        public Builder kafkaProperties(java.util.Map<String, String> value) { this.kafkaProperties = value; return this; }

        public Builder progressEvents(boolean value) { this.progressEvents = value; return this; }

        public Builder maxResultBytes(int value) { this.maxResultBytes = value; return this; }

        public Builder memberShareRefresh(Duration value) { this.memberShareRefresh = value; return this; }

        /** The broker's {@code group.share.delivery.count.limit} for the share group, if not Kafka's default 5. */
        public Builder shareDeliveryLimit(int value) { this.shareDeliveryLimit = value; return this; }

        /** How often the worker publishes its status to the workers topic; {@link Duration#ZERO} = never. */
        public Builder statusInterval(Duration value) { this.statusInterval = value; return this; }

        public Builder clock(Clock value) { this.clock = value; return this; }

        /** Traces branches through {@code value} (default: {@link OpenTelemetry#noop()}, off); see README "Tracing". */
        public Builder openTelemetry(OpenTelemetry value) { this.openTelemetry = value; return this; }

        public WorkerOptions build() {
            return new WorkerOptions(bootstrapServers, registryUrl, topics, groupId, workerId, maxInFlight,
                    recordsPerPoll != null ? recordsPerPoll : automaticRecordsPerPoll(maxInFlight), defaultTimeout, recordLockDuration, shutdownGrace, httpPort, httpBind,
                    metricsToken, retryPolicy,
                    simulatedLatencyMin, simulatedLatencyMax, simulatedOutage, disabledTools, config, toolPlugins,
                    kafkaProperties, progressEvents, maxResultBytes, memberShareRefresh, shareDeliveryLimit,
                    statusInterval, openTelemetry, clock)
                    .validate();
        }
    }
}
