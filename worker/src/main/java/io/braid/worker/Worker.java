package io.braid.worker;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchTask;
import io.braid.schema.JobControl;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.internal.consume.ControlListener;
import io.braid.worker.internal.consume.ProgressPublisher;
import io.braid.worker.internal.consume.RegistryRetry;
import io.braid.worker.internal.consume.TaskConsumerLoop;
import io.braid.worker.internal.consume.TaskHandler;
import io.braid.worker.internal.execute.AgentBranchExecutor;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.execute.LlmBranchExecutor;
import io.braid.worker.internal.execute.ToolBranchExecutor;
import io.braid.worker.internal.execute.UsePolicy;
import io.braid.worker.internal.models.ChatModels;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerHttpServer;
import io.braid.worker.internal.observe.WorkerMetrics;
import io.braid.worker.internal.tools.ToolRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker process: share consumers on the tasks topic, branches on virtual threads, results to the results
 * topic. Stateless: start as many as needed, anywhere. This class is the one place its parts are wired.
 *
 * <p>Lifecycle: {@link #start} joins the share group and takes work; {@link #close()} drains — it stops
 * acquiring, lets running branches finish for up to the shutdown grace, then interrupts the rest and releases
 * their records so other workers run them at once.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(15);
    /** How far back a starting worker reads the control topic for cancelled jobs. */
    static final Duration CONTROL_LOOKBACK = Duration.ofHours(1);

    /** Where a worker is in its life. */
    public enum State { RUNNING, DRAINING, STOPPED }

    private final WorkerOptions options;
    private final List<TaskConsumerLoop> loops;
    private final List<Thread> threads;
    private final ExecutorService branches;
    private final KafkaProducer<String, byte[]> producer;
    private final WorkerMetrics metrics;
    private final PrometheusMeterRegistry meterRegistry;
    private final ControlListener control;
    private final Thread controlThread;
    private final HealthProblems problems;
    private volatile WorkerHttpServer http;
    private volatile List<String> toolNames = List.of();
    private volatile ProgressPublisher progressPublisher;
    private volatile State state = State.RUNNING;

    private Worker(WorkerOptions options, List<TaskConsumerLoop> loops, List<Thread> threads,
                   ExecutorService branches, KafkaProducer<String, byte[]> producer, WorkerMetrics metrics,
                   PrometheusMeterRegistry meterRegistry, ControlListener control, Thread controlThread,
                   HealthProblems problems) {
        this.options = options;
        this.loops = loops;
        this.threads = threads;
        this.branches = branches;
        this.producer = producer;
        this.metrics = metrics;
        this.meterRegistry = meterRegistry;
        this.control = control;
        this.controlThread = controlThread;
        this.problems = problems;
    }

    /**
     * Starts a worker with the models and tools of its configuration ({@link WorkerOptions#effectiveConfig()}: the
     * simulated model unless a config file names others), the built-in tools, and the tools of its plugins.
     */
    public static Worker start(WorkerOptions options) {
        options.validate();
        WorkerConfig config = options.effectiveConfig();
        ModelRegistry models = ChatModels.build(config, System::getenv, options.simulatedOutage(), options.clock());
        ToolRegistry tools = ToolRegistry.builtIns(config.tools(), options.clock())
                .withServiceLoaderTools(Worker.class.getClassLoader())
                .withPlugins(options.toolPlugins());
        log.info("worker {}: models {} (default {}), tools {}, {}", options.workerId(), config.models(),
                config.defaultModelName(), tools.names(), config.policy());
        return start(options, models, tools);
    }

    public static Worker start(WorkerOptions options, ModelRegistry models, ToolRegistry tools) {
        options.validate();
        Map<BranchKind, BranchExecutor> executors = executors(options.effectiveConfig(), models,
                tools.disabling(options.disabledTools()));
        configureShareGroup(options);
        PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WorkerMetrics metrics = new WorkerMetrics(meterRegistry, options.workerId(), options.maxInFlight());
        HealthProblems problems = new HealthProblems(options.clock());
        SchemaRegistry registry = new SchemaRegistryClient(options.registryUrl());
        AvroSerializer<org.apache.avro.specific.SpecificRecord> serializer = new AvroSerializer<>(registry);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(options), new StringSerializer(),
                new ByteArraySerializer());
        ExecutorService branches = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(options.workerId() + "-branch-", 0).factory());
        ProgressPublisher progressPublisher = options.progressEvents()
                ? new ProgressPublisher(options.topics(), serializer, producer, options.workerId(), options.clock(),
                options.startedEventDelay(), problems)
                : null;
        ProgressListener progress = progressPublisher != null ? ProgressListener.all(metrics, progressPublisher)
                : metrics;
        Cancellations cancellations = new Cancellations();
        BranchRunner runner = new BranchRunner(executors, branches, options.retryPolicy(), options.defaultTimeout(),
                options.runBudget(), options.workerId(), options.clock(), duration -> Thread.sleep(duration),
                progress, cancellations);
        ControlListener control = new ControlListener(new KafkaConsumer<>(controlConsumerConfig(options),
                new StringDeserializer(), new ByteArrayDeserializer()), options.topics().control(),
                new AvroDeserializer<>(registry, JobControl.class), cancellations, CONTROL_LOOKBACK, options.clock(),
                problems);
        Thread controlThread = Thread.ofPlatform().name(options.workerId() + "-control").start(control);
        TaskHandler handler = new TaskHandler(options.topics(), new AvroDeserializer<>(registry, BranchTask.class),
                serializer, producer, runner, metrics, progress, options.maxResultBytes(),
                new RegistryRetry(problems, options.clock(), duration -> Thread.sleep(duration),
                        options.registryWait()));

        List<TaskConsumerLoop> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < options.consumers(); i++) {
            KafkaShareConsumer<String, byte[]> consumer = new KafkaShareConsumer<>(consumerConfig(options, i),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TaskConsumerLoop loop = new TaskConsumerLoop(consumer, options.topics().tasks(), branches, handler,
                    metrics, problems);
            loops.add(loop);
            threads.add(Thread.ofPlatform().name(options.workerId() + "-consumer-" + i).start(loop));
        }
        Worker worker = new Worker(options, loops, threads, branches, producer, metrics, meterRegistry, control,
                controlThread, problems);
        worker.toolNames = tools.names();
        worker.progressPublisher = progressPublisher;
        if (options.httpPort() >= 0) {
            try {
                worker.http = WorkerHttpServer.start(options.httpBind(), options.httpPort(),
                        options.metricsToken(), meterRegistry, worker::health);
            } catch (RuntimeException e) {
                worker.shutdown(Duration.ZERO);
                throw e;
            }
        }
        return worker;
    }

    /**
     * The executor of each branch kind, under the config's tool and model policy; a policy naming a tool the
     * worker does not have stops it here.
     */
    static Map<BranchKind, BranchExecutor> executors(WorkerConfig config, ModelRegistry models, ToolRegistry tools) {
        String problem = config.policy().toolProblem(tools.names());
        if (problem != null) {
            throw new IllegalArgumentException("worker config: " + problem);
        }
        UsePolicy policy = new UsePolicy(config.policy());
        return Map.of(
                BranchKind.LLM, new LlmBranchExecutor(models, policy),
                BranchKind.TOOL, new ToolBranchExecutor(tools, policy),
                BranchKind.AGENT, new AgentBranchExecutor(models, tools, config.tools().agent(), policy));
    }

    static Map<String, Object> consumerConfig(WorkerOptions options, int index) {
        Map<String, Object> config = options.kafka().config(Map.of());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, options.workerId() + "-" + index);
        config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        // Acquire at most max.poll.records per poll, so records spread over all workers instead of one
        // consumer taking a whole batch on a quiet topic.
        config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, options.recordsPerPoll());
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, options.recordLockDuration().toMillis() + 60_000));
        return config;
    }

    static Map<String, Object> controlConsumerConfig(WorkerOptions options) {
        Map<String, Object> config = options.kafka().config(Map.of());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, options.workerId() + "-control");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    /** {@code max.request.size} from {@link WorkerOptions#recordLimits()}: a dead letter carrying a task fits. */
    static Map<String, Object> producerConfig(WorkerOptions options) {
        Map<String, Object> config = options.kafka().config(options.recordLimits().producerConfig());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, options.workerId() + "-producer");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return config;
    }

    /**
     * Sets the share group's start offset (earliest: tasks written before the first worker joined are not lost),
     * its isolation level and its record lock duration (see {@link WorkerOptions}). Read committed: the dispatcher
     * writes a job's tasks in a transaction (and the aggregator a replay's), so a worker never runs the tasks of
     * an aborted fan-out, which the restarted dispatcher writes again, nor sees half a job's tasks early.
     */
    static void configureShareGroup(WorkerOptions options) {
        try (Admin admin = Admin.create(options.kafka().config(Map.of()))) {
            ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, options.groupId());
            List<AlterConfigOp> ops = List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.isolation.level", "read_committed"),
                            AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms",
                            Long.toString(options.recordLockDuration().toMillis())), AlterConfigOp.OpType.SET));
            admin.incrementalAlterConfigs(Map.of(group, ops)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot configure share group " + options.groupId() + ": "
                    + options.kafka().describe(e.getCause()) + (KafkaConnection.securityAdvice(e).isPresent() ? ""
                    : " (the broker needs share groups enabled, Kafka 4.2+, and a record lock no longer than its "
                    + "group.share.max.record.lock.duration.ms)"), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + options.bootstrapServers()
                    + " did not answer within 30 s; " + options.kafka().unreachableAdvice(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring the share group", e);
        }
    }

    /** The tools this worker offers (those switched off by configuration included). */
    public List<String> toolNames() {
        return toolNames;
    }

    public String workerId() {
        return options.workerId();
    }

    /** How many share consumers (members of the workers' share group) this worker runs. */
    public int consumers() {
        return loops.size();
    }

    public State state() {
        return state;
    }

    /** Branches running now. */
    public int inFlight() {
        return metrics.inFlight();
    }

    /** The most branches that ran at once since this worker started. */
    public int peakInFlight() {
        return metrics.peakInFlight();
    }

    /** The port of the health and metrics endpoint, if it is on. */
    public OptionalInt httpPort() {
        WorkerHttpServer server = http;
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    /** The worker's meters in Prometheus text format, as {@code GET /metrics} serves them. */
    public String scrapeMetrics() {
        return meterRegistry.scrape();
    }

    /**
     * Live while no part of the worker (a consumer loop, the control listener, the progress timer) has died
     * unexpectedly; ready once all consumers have joined the share group, while the worker takes work and while
     * no problem is reported ({@link HealthProblems}: a part that died, the schema registry unavailable), whose
     * reasons the health's {@code problem} gives.
     */
    public WorkerHealth health() {
        return health(state, loops, problems, metrics.inFlight(), options.maxInFlight());
    }

    static WorkerHealth health(State now, List<TaskConsumerLoop> loops, HealthProblems problems,
                                          int inFlight, int maxInFlight) {
        boolean live = now == State.STOPPED || loops.stream().allMatch(loop -> loop.failure() == null)
                && !problems.fatal();
        boolean ready = now == State.RUNNING && live && problems.none()
                && loops.stream().allMatch(TaskConsumerLoop::hasPolled);
        return new WorkerHealth(live, ready, now.name(), inFlight, maxInFlight, problems.summary());
    }

    /** Drains with the configured shutdown grace; see {@link #shutdown(Duration)}. */
    @Override
    public void close() {
        shutdown(options.shutdownGrace());
    }

    /**
     * Stops acquiring tasks, lets running branches finish for up to {@code grace}, then interrupts the rest: their
     * records are released (not accepted), so another worker runs them at once. Idempotent.
     */
    public synchronized void shutdown(Duration grace) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.DRAINING;
        log.info("worker {} draining: {} branches in flight, grace {} ms", options.workerId(), metrics.inFlight(),
                grace.toMillis());
        loops.forEach(TaskConsumerLoop::stopFetching);
        boolean drained = joinAll(grace);
        if (!drained) {
            if (metrics.inFlight() > 0) {
                log.info("worker {}: {} branches still running after the grace period; releasing them",
                        options.workerId(), metrics.inFlight());
            }
            branches.shutdownNow();
            if (!joinAll(RELEASE_TIMEOUT)) {
                loops.forEach(TaskConsumerLoop::abandon);
                joinAll(RELEASE_TIMEOUT);
            }
        }
        branches.shutdownNow();
        control.close();
        try {
            controlThread.join(RELEASE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (progressPublisher != null) {
            progressPublisher.close();
        }
        producer.close(Duration.ofSeconds(5));
        if (http != null) {
            http.close();
        }
        meterRegistry.close();
        state = State.STOPPED;
        log.info("worker {} stopped", options.workerId());
    }

    /** Waits up to {@code timeout} for every consumer loop to end; true if they all did. */
    private boolean joinAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
