package io.braid.orchestrator.internal;

import io.braid.schema.GroupIds;
import io.braid.orchestrator.JoinSettings;
import io.braid.schema.policy.UsePolicy;

import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.orchestrator.internal.aggregate.AggregatorErrors;
import io.braid.orchestrator.internal.aggregate.AggregatorTopology;
import io.braid.orchestrator.internal.aggregate.JoinQueries;
import io.braid.orchestrator.internal.dispatch.Dispatcher;
import io.braid.orchestrator.internal.dispatch.JobValidator;
import io.braid.orchestrator.TaskBacklog;
import io.braid.orchestrator.internal.status.JobStatusServer;
import io.braid.schema.JobControl;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * How an orchestrator process is wired, in one place: each part made by a factory method a test may override.
 * {@link io.braid.orchestrator.Orchestrator#start} asks for the parts in order; nothing here starts a thread.
 */
public class OrchestratorModule {

    /** How often the worker fleet's task backlog is measured. */
    public static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(10);

    protected final OrchestratorOptions options;
    private SchemaRegistry registry;
    private final AggregatorErrors.DeadLetters deadLetters = new AggregatorErrors.DeadLetters();
    private final io.braid.orchestrator.internal.aggregate.JobMeters jobMeters =
            new io.braid.orchestrator.internal.aggregate.JobMeters();

    public OrchestratorModule(OrchestratorOptions options) {
        this.options = options.validate();
    }

    public OrchestratorOptions options() {
        return options;
    }

    /** The schema registry every serde of the process uses (one client, one cache). */
    public SchemaRegistry registry() {
        if (registry == null) {
            registry = new SchemaRegistryClient(options.registryUrl());
        }
        return registry;
    }

    /** How start-up registers Braid's schemas (deadline for an unreachable registry, compatibility level). */
    public io.braid.orchestrator.SchemaSetupOptions schemaSetup() {
        return io.braid.orchestrator.SchemaSetupOptions.defaults();
    }

    /** Records the aggregator refused or could not process, counted for health. */
    public AggregatorErrors.DeadLetters deadLetters() {
        return deadLetters;
    }

    /** Jobs → manifests + tasks, run on a thread of its own. */
    public Dispatcher dispatcher() {
        return dispatcher(TopicRetention.NONE);
    }

    /** Jobs → manifests + tasks, refusing deadlines that outlive the work topics' {@code retention}. */
    public Dispatcher dispatcher(TopicRetention retention) {
        return new Dispatcher(options.kafka(), GroupIds.DISPATCHER,
                "braid-dispatcher-" + options.instanceId(), options.delivery(), options.topics(), registry(),
                new JobValidator(Aggregation.SUPPORTED, options.maxBranches(), new UsePolicy(options.policy()))
                        .withRetention(retention),
                options.limits(),
                options.maxFanOutBytes(), options.maxConcurrency(), options.clock(), tracing());
    }

    /** Where the dispatch, join and aggregate spans go: off unless the options give an OpenTelemetry. */
    public io.braid.orchestrator.internal.trace.JobTracing tracing() {
        return io.braid.orchestrator.internal.trace.JobTracing.of(options.openTelemetry());
    }

    /** Writes the job API's cancels and replays to the control topic. */
    public KafkaProducer<String, byte[]> controlProducer() {
        return new KafkaProducer<>(options.kafka().config(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** The job API, bound (not yet serving); its commands go through {@code producer}. */
    public JobStatusServer statusServer(KafkaProducer<String, byte[]> producer) {
        AvroSerializer<JobControl> serializer = new AvroSerializer<>(registry());
        Consumer<JobControl> controls = control -> {
            try {
                producer.send(new ProducerRecord<>(options.topics().control(), control.getJobId(),
                        serializer.serialize(options.topics().control(), control))).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(e.toString(), e);
            }
        };
        return JobStatusServer.bind(options.httpBind(), options.httpPort(), options.apiTokens(),
                options.instanceId(), controls, new io.braid.orchestrator.internal.status.PeerClient(
                        options.console().forwardTimeout(), options.console().maxForwardBytes()));
    }

    /** What the join decides by: the options' clocks, the record limit, the operator's policy. */
    public JoinSettings joinSettings() {
        return options.join().withMaxResultBytes(options.limits().recordBytes())
                .withPolicy(new UsePolicy(options.policy()));
    }

    /** Manifests + results → job results: the exactly-once (or at-least-once) join. */
    public Topology aggregatorTopology() {
        return AggregatorTopology.build(options.topics(), registry(), options.clock(), joinSettings(),
                options.delivery(), deadLetters,
                jobMeters, tracing());
    }

    /** The aggregator, not started; {@code self} is where other instances reach this one's API (null: none). */
    public KafkaStreams aggregator(HostInfo self) {
        Properties config = streamsConfig();
        config.put(AggregatorErrors.DEAD_LETTERS_CONFIG, deadLetters);
        if (self != null) {
            config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        }
        KafkaStreams aggregator = new KafkaStreams(aggregatorTopology(), config);
        aggregator.setUncaughtExceptionHandler(AggregatorErrors.replaceThread());
        return aggregator;
    }

    /** The task backlog of the workers' share group, measured every {@link #BACKLOG_INTERVAL}. */
    public TaskBacklog backlog() {
        return new TaskBacklog(options.kafka(), options.topics().tasks(), options.workerGroupId(),
                BACKLOG_INTERVAL, options.clock());
    }

    /** Health, Prometheus metrics and the backlog, on the job API's port. */
    public void serveOperations(JobStatusServer status, KafkaStreams aggregator, JoinQueries join,
                                Dispatcher dispatcher, TaskBacklog backlog) {
        Operations.serve(status, aggregator, join, dispatcher, deadLetters, backlog, jobMeters);
    }

    /**
     * The web console on the job API's port, its feed started; null when {@code console.enabled} is off.
     * {@code aggregator} tells which orchestrator instances run.
     */
    public io.braid.orchestrator.internal.console.ConsoleServer console(JobStatusServer status, JoinQueries join,
                                                                     TaskBacklog backlog, KafkaStreams aggregator) {
        if (!options.console().enabled()) {
            return null;
        }
        return io.braid.orchestrator.internal.console.ConsoleServer.start(status, options.console(), options.kafka(),
                registry(), options.topics(), options.clock(), join, backlog,
                () -> aggregator.metadataForAllStreamsClients().stream()
                        .map(m -> m.hostInfo().host() + ":" + m.hostInfo().port()).sorted().toList());
    }

    /** How often the aggregator's changelogs (created by Streams) roll a segment, so compaction can reclaim it. */
    public static final long CHANGELOG_SEGMENT_MS = 60L * 60 * 1000;

    /** The aggregator's Kafka Streams settings. */
    public Properties streamsConfig() {
        Properties props = new Properties();
        props.putAll(options.kafkaProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, GroupIds.AGGREGATOR);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, switch (options.delivery()) {
            case EXACTLY_ONCE -> StreamsConfig.EXACTLY_ONCE_V2;
            case LOW_LATENCY -> StreamsConfig.AT_LEAST_ONCE;
        });
        props.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitInterval().toMillis());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, options.standbyReplicas());
        props.put(StreamsConfig.POLL_MS_CONFIG, options.streamsPollTime().toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) options.replicationFactor());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // Never hold a task back waiting for its other input partitions: the join accepts manifests, results and
        // commands in any order, so ordering them by timestamp across partitions buys nothing and costs a fetch.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Static membership (see the dispatcher): a restarted instance resumes its tasks without a rebalance wait.
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), options.instanceId());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                options.limits().producerMaxRequestSize());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                AggregatorErrors.Deserialization.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                AggregatorErrors.Processing.class.getName());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, options.topics().aggregatorDeadLetter());
        // Compaction only cleans closed segments: without a roll by time, a changelog's finished jobs stay on disk
        // until a 1 GiB segment fills. An hourly roll bounds the disk to live state plus about an hour of churn.
        props.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), CHANGELOG_SEGMENT_MS);
        return props;
    }
}
