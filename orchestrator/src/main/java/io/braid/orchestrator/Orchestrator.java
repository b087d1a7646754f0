package io.braid.orchestrator;

import io.braid.orchestrator.aggregate.AggregatorErrors;
import io.braid.orchestrator.aggregate.Aggregation;
import io.braid.orchestrator.aggregate.AggregatorTopology;
import io.braid.orchestrator.dispatch.Dispatcher;
import io.braid.orchestrator.dispatch.JobValidator;
import io.braid.orchestrator.observe.TaskBacklog;
import io.braid.orchestrator.status.JobStatusServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import io.braid.schema.JobControl;
import io.braid.schema.serde.AvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import io.braid.schema.JobJoinState;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An orchestrator process: the {@link Dispatcher} (jobs → manifests + tasks) and the aggregator
 * ({@link AggregatorTopology}: manifests + results → job results). This class is the one place they are wired.
 */
public final class Orchestrator implements AutoCloseable {

    private final Dispatcher dispatcher;
    private final Thread dispatcherThread;
    private final KafkaStreams aggregator;
    private final CountDownLatch aggregatorRunning;
    private final JobStatusServer status;
    private final KafkaProducer<String, byte[]> controlProducer;
    private final TaskBacklog backlog;

    private Orchestrator(Dispatcher dispatcher, Thread dispatcherThread, KafkaStreams aggregator,
                         CountDownLatch aggregatorRunning, JobStatusServer status,
                         KafkaProducer<String, byte[]> controlProducer, TaskBacklog backlog) {
        this.dispatcher = dispatcher;
        this.dispatcherThread = dispatcherThread;
        this.aggregator = aggregator;
        this.aggregatorRunning = aggregatorRunning;
        this.status = status;
        this.controlProducer = controlProducer;
        this.backlog = backlog;
    }

    /** How often the worker fleet's task backlog is measured. */
    static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(10);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Creates missing topics, then starts the dispatcher and the aggregator. */
    public static Orchestrator start(OrchestratorOptions options) {
        options.validate();
        TopicSetup.ensureTopics(options.kafka(), options.topics(), options.partitions(),
                options.replicationFactor(), options.limits());
        SchemaRegistry registry = new SchemaRegistryClient(options.registryUrl());

        Dispatcher dispatcher = new Dispatcher(options.kafka(), OrchestratorOptions.DISPATCHER_GROUP_ID,
                "braid-dispatcher-" + options.instanceId(), options.delivery(), options.topics(), registry,
                new JobValidator(Aggregation.SUPPORTED, options.maxBranches()), options.limits(),
                options.maxFanOutBytes(), options.clock());
        Thread dispatcherThread = Thread.ofPlatform().name("braid-dispatcher").start(dispatcher);

        KafkaProducer<String, byte[]> controlProducer = options.httpPort() < 0 ? null : new KafkaProducer<>(options.kafka().config(Map.of(
                ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(), new ByteArraySerializer());
        AvroSerializer<JobControl> controlSerializer = new AvroSerializer<>(registry);
        JobStatusServer status = options.httpPort() < 0 ? null
                : JobStatusServer.bind(options.httpBind(), options.httpPort(), options.apiTokens(),
                        options.instanceId(), control -> {
                    try {
                        controlProducer.send(new ProducerRecord<>(options.topics().control(), control.getJobId(),
                                controlSerializer.serialize(options.topics().control(), control)))
                                .get(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        throw new IllegalStateException(e.toString(), e);
                    }
                });
        AggregatorErrors.DeadLetters deadLetters = new AggregatorErrors.DeadLetters();
        Properties streamsConfig = streamsConfig(options);
        streamsConfig.put(AggregatorErrors.DEAD_LETTERS_CONFIG, deadLetters);
        HostInfo self = null;
        if (status != null) {
            self = new HostInfo(options.advertisedHost(), status.port());
            streamsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        }
        KafkaStreams aggregator = new KafkaStreams(
                AggregatorTopology.build(options.topics(), registry, options.clock(),
                        options.join().withMaxResultBytes(options.limits().recordBytes()), options.delivery(),
                        deadLetters), streamsConfig);
        aggregator.setUncaughtExceptionHandler(AggregatorErrors.replaceThread());
        CountDownLatch running = new CountDownLatch(1);
        aggregator.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        aggregator.start();
        TaskBacklog backlog = null;
        if (status != null) {
            backlog = new TaskBacklog(options.kafka(), options.topics().tasks(), options.workerGroupId(),
                    BACKLOG_INTERVAL, options.clock()).start();
            serveOperations(status, aggregator, dispatcher, deadLetters, backlog);
            status.attach(aggregator, self);
        }
        return new Orchestrator(dispatcher, dispatcherThread, aggregator, running, status, controlProducer, backlog);
    }

    /**
     * Health, Prometheus metrics (the aggregator's Kafka Streams metrics, {@code braid_tasks_backlog},
     * {@code braid_jobs_held}) and the backlog as JSON, on the job status server.
     */
    private static void serveOperations(JobStatusServer status, KafkaStreams aggregator, Dispatcher dispatcher,
                                        AggregatorErrors.DeadLetters deadLetters, TaskBacklog backlog) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new KafkaStreamsMetrics(aggregator).bindTo(metrics);
        Gauge.builder("braid.tasks.backlog", backlog, b -> b.latest() == null ? Double.NaN : b.latest().total())
                .description("task records the worker share group has not finished (waiting or in flight)")
                .register(metrics);
        Gauge.builder("braid.jobs.held", aggregator, Orchestrator::heldJobs)
                .description("jobs whose join state this instance holds (open, or finished within the retention)")
                .register(metrics);
        Gauge.builder("braid.dead.letters", () -> deadLetters.count() + dispatcher.health().deadLetters())
                .description("records the dispatcher and the aggregator dead-lettered since this instance started")
                .register(metrics);
        status.serveOperations(() -> health(aggregator, dispatcher.health(), deadLetters), metrics::scrape, () -> {
            TaskBacklog.Measurement now = backlog.latest();
            if (now == null) {
                return null;
            }
            com.fasterxml.jackson.databind.node.ObjectNode json = JSON.createObjectNode()
                    .put("backlog", now.total()).put("measuredAt", now.measuredAt().toString());
            now.partitions().forEach((partition, count) -> json.with("partitions").put(partition.toString(), count));
            return json.toString();
        });
    }

    private static JobStatusServer.Health health(KafkaStreams aggregator, Dispatcher.Health dispatcher,
                                                 AggregatorErrors.DeadLetters deadLetters) {
        KafkaStreams.State state = aggregator.state();
        boolean streamsAlive = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        java.time.Instant last = latest(deadLetters.last(), dispatcher.lastDeadLetterAt());
        return new JobStatusServer.Health(streamsAlive && dispatcher.alive(),
                state == KafkaStreams.State.RUNNING && dispatcher.ready(), state.name(), dispatcher.alive(),
                dispatcher.problem(), deadLetters.count() + dispatcher.deadLetters(), last);
    }

    private static java.time.Instant latest(java.time.Instant a, java.time.Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static double heldJobs(KafkaStreams aggregator) {
        try {
            return aggregator.store(StoreQueryParameters.fromNameAndType(AggregatorTopology.STORE_NAME,
                    QueryableStoreTypes.<String, JobJoinState>keyValueStore())).approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return Double.NaN;
        }
    }

    static Properties streamsConfig(OrchestratorOptions options) {
        Properties props = new Properties();
        props.putAll(options.kafkaProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, OrchestratorOptions.AGGREGATOR_APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                switch (options.delivery()) {
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
        return props;
    }

    /** The port of GET /jobs/{id}, if it is on. */
    public OptionalInt httpPort() {
        return status == null ? OptionalInt.empty() : OptionalInt.of(status.port());
    }

    /**
     * How many jobs this instance's aggregator holds state for (open, finished within the retention, or results
     * waiting for their manifest); -1 while its store is not queryable (rebalancing, restoring).
     */
    public long heldJobs() {
        double held = heldJobs(aggregator);
        return Double.isNaN(held) ? -1 : (long) held;
    }

    /** Whether the aggregator is processing (it is rebalancing or restoring state right after start). */
    public boolean isRunning() {
        return aggregator.state() == KafkaStreams.State.RUNNING && dispatcher.health().ready();
    }

    /** Waits until the aggregator processes for the first time (after joining its group and restoring state). */
    public void awaitRunning(Duration timeout) {
        try {
            if (!aggregatorRunning.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the aggregator is not running after " + timeout.toSeconds()
                        + " s (state " + aggregator.state() + "); check that Kafka is reachable");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the aggregator", e);
        }
    }

    @Override
    public void close() {
        if (backlog != null) {
            backlog.close();
        }
        dispatcher.close();
        try {
            dispatcherThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        aggregator.close(Duration.ofSeconds(10));
        if (status != null) {
            status.close();
        }
        if (controlProducer != null) {
            controlProducer.close(Duration.ofSeconds(5));
        }
    }
}
