package io.braid.orchestrator;

import io.braid.schema.GroupIds;

import io.braid.orchestrator.JoinSettings;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.policy.PolicySettings;
import io.opentelemetry.api.OpenTelemetry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of an orchestrator process (dispatcher + aggregator). Build with {@link #builder(String, String)};
 * every field has a default suited to one machine, and {@link #validate()} explains what to fix.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param registryUrl        schema registry base URL (Confluent REST API)
 * @param topics             topic names (one prefix)
 * @param partitions         partitions of Braid's topics when the orchestrator creates them
 * @param replicationFactor  replication factor of created topics; -1 = the broker's default
 * @param instanceId         unique per orchestrator process; names its dispatcher transactions
 * @param stateDir           where the aggregator keeps its local state (rebuilt from the changelog when lost)
 * @param delivery           exactly once (default) or low latency, both stages alike (see {@link Delivery})
 * @param commitInterval     aggregator commit interval; with exactly-once it bounds a busy join's latency (an idle
 *                           join asks for a commit once its input drains after a job completed)
 * @param streamsPollTime    how long the aggregator blocks in poll when idle
 * @param join               the join's default deadline, retention of finished jobs and timer interval
 * @param httpPort           port of GET /jobs/{id}: 0 picks a free one, negative turns it off
 * @param httpBind           the address the HTTP API listens on; loopback ({@value #DEFAULT_HTTP_BIND}) unless set,
 *                           and any other address only with tokens (in containers: the pod address)
 * @param apiTokens          bearer tokens of the job API (scopes read and operate); none = open, loopback only
 * @param advertisedHost     the host other orchestrator instances reach this one's HTTP port at
 * @param limits             record, job and branch result byte limits (see {@link RecordLimits}): jobs over
 *                           {@code maxJobBytes} are dead-lettered, job results over {@code recordBytes} answered
 *                           {@code ResultTooLarge}, and producers and created topics sized to match
 * @param maxFanOutBytes     the most bytes of tasks one job (with its child jobs) may write: each task carries the
 *                           job's inputs, so inputs times branches is bounded
 * @param maxBranches        the most branches one job may have
 * @param maxConcurrency     the window of a job that sets no {@code maxConcurrency}: at most this many of its task
 *                           branches are queued or running at once (the dispatcher publishes the first, the
 *                           aggregator the next as each finishes); {@value #DEFAULT_MAX_CONCURRENCY} by default
 * @param kafkaProperties    extra Kafka client properties (TLS, SASL) for every client of the orchestrator
 * @param workerGroupId      the workers' share group, whose task backlog the orchestrator measures
 * @param standbyReplicas    warm copies of each aggregator state store kept on other instances, for fast failover
 * @param policy             which tools and models each tenant's jobs may use (the workers' {@code policy}); the
 *                           dispatcher refuses a job naming one its tenant may not use ({@code PolicyRefused});
 *                           its {@code tenants.<tenant>.maxConcurrency} caps a tenant's tasks out at once (checked
 *                           by {@link #validate()})
 * @param console            the web console's limits ({@link ConsoleSettings}); served when the HTTP API is on
 * @param openTelemetry      where the dispatch, join and aggregate spans go (see README "Tracing"); the default,
 *                           {@link OpenTelemetry#noop()}, traces nothing and adds no header (zero cost). The caller
 *                           owns it: the orchestrator does not close it
 * @param clock              time source for timestamps and deadlines
 */
public record OrchestratorOptions(
        String bootstrapServers,
        String registryUrl,
        Topics topics,
        int partitions,
        short replicationFactor,
        String instanceId,
        Path stateDir,
        Delivery delivery,
        Duration commitInterval,
        Duration streamsPollTime,
        JoinSettings join,
        int httpPort,
        String httpBind,
        io.braid.orchestrator.ApiTokens apiTokens,
        String advertisedHost,
        RecordLimits limits,
        long maxFanOutBytes,
        int maxBranches,
        int maxConcurrency,
        Map<String, String> kafkaProperties,
        String workerGroupId,
        int standbyReplicas,
        PolicySettings policy,
        ConsoleSettings console,
        OpenTelemetry openTelemetry,
        Clock clock) {

    public static final int DEFAULT_MAX_BRANCHES = 10_000;
    /**
     * The default window: above the hundred-odd branches of ordinary jobs (they run as before, all at once), far
     * below a 10,000-branch job, whose tasks then interleave with other jobs' instead of queueing ahead of them.
     */
    public static final int DEFAULT_MAX_CONCURRENCY = 256;
    public static final long DEFAULT_MAX_FAN_OUT_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(30);
    /** How long the idle aggregator blocks in poll; an idle exactly-once join's commit waits for the next loop. */
    public static final Duration DEFAULT_STREAMS_POLL_TIME = Duration.ofMillis(5);
    /** The HTTP API's address unless configured: loopback, reachable only from this machine. */
    public static final String DEFAULT_HTTP_BIND = "127.0.0.1";

    /** Bootstrap servers and client properties, for every Kafka client the orchestrator makes. */
    public KafkaConnection kafka() {
        return new KafkaConnection(bootstrapServers, kafkaProperties);
    }

    public OrchestratorOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(streamsPollTime, "streamsPollTime");
        Objects.requireNonNull(join, "join");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(httpBind, "httpBind");
        Objects.requireNonNull(apiTokens, "apiTokens");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(limits, "limits");
        policy = policy == null ? PolicySettings.allowAll() : policy;
        console = console == null ? ConsoleSettings.defaults() : console;
        openTelemetry = openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public static Builder builder(String bootstrapServers, String registryUrl) {
        return new Builder(bootstrapServers, registryUrl);
    }

    /** Checks fields against each other; throws with a message that says how to fix the value. */
    public OrchestratorOptions validate() {
        String policyProblem = policy.problem(null);
        if (policyProblem != null) {
            throw new IllegalArgumentException("--policy-file: " + policyProblem);
        }
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are empty; pass host:port, e.g. 127.0.0.1:9092");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions = " + partitions + "; use 1 or more");
        }
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw new IllegalArgumentException("replication factor = " + replicationFactor
                    + "; use -1 (broker default) or 1 or more");
        }
        if (!instanceId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("instance id '" + instanceId
                    + "' may only contain letters, digits, '.', '_' and '-'");
        }
        if (!commitInterval.isPositive()) {
            throw new IllegalArgumentException("commit interval " + commitInterval.toMillis() + " ms"
                    + " must be positive (0 makes commits saturate the CPU); the default is "
                    + DEFAULT_COMMIT_INTERVAL.toMillis() + " ms");
        }
        if (maxFanOutBytes < limits.recordBytes()) {
            throw new IllegalArgumentException("max fan-out bytes " + maxFanOutBytes + " (--max-fan-out-bytes) is "
                    + "less than one record (" + limits.recordBytes() + " bytes, --record-bytes); raise it");
        }
        if (maxBranches < 1) {
            throw new IllegalArgumentException("max branches " + maxBranches + " must be 1 or more");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("max concurrency " + maxConcurrency + " (--max-concurrency, "
                    + "BRAID_MAX_CONCURRENCY) must be 1 or more: it is how many of a job's branches may run at once; "
                    + "the default is " + DEFAULT_MAX_CONCURRENCY);
        }
        if (httpPort > 65_535) {
            throw new IllegalArgumentException("HTTP port " + httpPort + " is not a port; use 0 to 65535");
        }
        if (httpPort >= 0 && apiTokens.isEmpty() && !loopback(httpBind)) {
            throw new IllegalArgumentException("the HTTP API would listen on " + httpBind + " (--http-bind) with no "
                    + "token, so anyone who reaches it could cancel or replay jobs; set --api-tokens-file or "
                    + "BRAID_API_TOKEN (and BRAID_API_READ_TOKEN), or bind it to 127.0.0.1");
        }
        if (advertisedHost.isBlank()) {
            throw new IllegalArgumentException("advertised host is empty; pass the name other instances reach "
                    + "this one at");
        }
        if (!streamsPollTime.isPositive()) {
            throw new IllegalArgumentException("poll time " + streamsPollTime.toMillis() + " ms must be positive "
                    + "(0 makes the idle aggregator spin a core); the default is "
                    + DEFAULT_STREAMS_POLL_TIME.toMillis() + " ms");
        }
        return this;
    }

    private static boolean loopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("HTTP bind address '" + address + "' (--http-bind) does not resolve; "
                    + "pass an IP address such as 127.0.0.1 or the pod IP", e);
        }
    }

    /** Every setting, with secrets masked ({@link io.braid.schema.Redacted}): API tokens, the registry password. */
    @Override
    public String toString() {
        return io.braid.schema.Redacted.toString(this);
    }

    public static final class Builder {
        private final String bootstrapServers;
        private final String registryUrl;
        private Topics topics = Topics.defaults();
        private int partitions = 6;
        private short replicationFactor = -1;
        private String instanceId = "orchestrator-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        private Path stateDir = Path.of(".braid", "aggregator");
        private Delivery delivery = Delivery.EXACTLY_ONCE;
        private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
        private Duration streamsPollTime = DEFAULT_STREAMS_POLL_TIME;
        private JoinSettings join = JoinSettings.defaults();
        private int httpPort = -1;
        private String advertisedHost = "localhost";
        private String httpBind = DEFAULT_HTTP_BIND;
        private io.braid.orchestrator.ApiTokens apiTokens = io.braid.orchestrator.ApiTokens.none();
        private RecordLimits limits = RecordLimits.defaults();
        private long maxFanOutBytes = DEFAULT_MAX_FAN_OUT_BYTES;
        private int maxBranches = DEFAULT_MAX_BRANCHES;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private Map<String, String> kafkaProperties = Map.of();
        private String workerGroupId = GroupIds.WORKERS;
        private int standbyReplicas;
        private PolicySettings policy = PolicySettings.allowAll();
        private Clock clock = Clock.systemUTC();
        private ConsoleSettings console = ConsoleSettings.defaults();
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();

        private Builder(String bootstrapServers, String registryUrl) {
            this.bootstrapServers = bootstrapServers;
            this.registryUrl = registryUrl;
        }

        public Builder topics(Topics value) {
            this.topics = value;
            return this;
        }

        public Builder partitions(int value) {
            this.partitions = value;
            return this;
        }

        public Builder replicationFactor(short value) {
            this.replicationFactor = value;
            return this;
        }

        public Builder instanceId(String value) {
            this.instanceId = value;
            return this;
        }

        public Builder stateDir(Path value) {
            this.stateDir = value;
            return this;
        }

        /** Exactly once (default) or low latency; see {@link Delivery}. */
        public Builder delivery(Delivery value) {
            this.delivery = value;
            return this;
        }

        public Builder commitInterval(Duration value) {
            this.commitInterval = value;
            return this;
        }

        public Builder streamsPollTime(Duration value) {
            this.streamsPollTime = value;
            return this;
        }

        /** Default job deadline, retention of finished jobs, timer interval. */
        public Builder join(JoinSettings value) {
            this.join = value;
            return this;
        }

        /** Serve job status on this port (0 = any free one; negative = off). */
        public Builder httpPort(int value) {
            this.httpPort = value;
            return this;
        }

        /** The address the HTTP API listens on (default {@value #DEFAULT_HTTP_BIND}); 0.0.0.0 for every one. */
        public Builder httpBind(String value) {
            this.httpBind = value;
            return this;
        }

        /** Bearer tokens of the job API; required unless the API is bound to loopback. */
        public Builder apiTokens(io.braid.orchestrator.ApiTokens value) {
            this.apiTokens = value;
            return this;
        }

        /** How other orchestrator instances reach this one (host name or IP; in Kubernetes the pod IP). */
        public Builder advertisedHost(String value) {
            this.advertisedHost = value;
            return this;
        }

        /** The largest job record accepted, in bytes. */
        /** The record limit; the job and result limits follow it down when they no longer fit. */
        public Builder recordBytes(int value) {
            this.limits = limits.withRecordBytes(value);
            return this;
        }

        public Builder maxFanOutBytes(long value) {
            this.maxFanOutBytes = value;
            return this;
        }

        public Builder maxJobBytes(int value) {
            this.limits = limits.withMaxJobBytes(value);
            return this;
        }

        /** The most branches one job may have. */
        public Builder maxBranches(int value) {
            this.maxBranches = value;
            return this;
        }

        /** The window of jobs that set none (default {@value #DEFAULT_MAX_CONCURRENCY}). */
        public Builder maxConcurrency(int value) {
            this.maxConcurrency = value;
            return this;
        }

        public Builder standbyReplicas(int value) {
            this.standbyReplicas = value;
            return this;
        }

        public Builder workerGroupId(String value) {
            this.workerGroupId = value;
            return this;
        }

        public Builder kafkaProperties(Map<String, String> value) {
            this.kafkaProperties = value;
            return this;
        }

        /**
         * The operator's tool and model policy (default: every job may use everything), as in the workers' config:
         * jobs naming a tool or model their tenant may not use are refused at dispatch.
         */
        public Builder policy(PolicySettings value) {
            this.policy = value;
            return this;
        }

        public Builder console(ConsoleSettings value) {
            this.console = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Traces jobs through {@code value} (default: {@link OpenTelemetry#noop()}, off); see README "Tracing". */
        public Builder openTelemetry(OpenTelemetry value) {
            this.openTelemetry = value;
            return this;
        }

        public OrchestratorOptions build() {
            return new OrchestratorOptions(bootstrapServers, registryUrl, topics, partitions, replicationFactor,
                    instanceId, stateDir, delivery, commitInterval, streamsPollTime, join, httpPort, httpBind, apiTokens,
                    advertisedHost,
                    limits, maxFanOutBytes, maxBranches, maxConcurrency, kafkaProperties, workerGroupId,
                    standbyReplicas, policy, console, openTelemetry, clock).validate();
        }
    }
}
