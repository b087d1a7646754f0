package io.braid.worker.internal;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchTask;
import io.braid.schema.JobControl;
import io.braid.schema.registry.SchemaRegistry;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.BranchExecutor;
import io.braid.worker.ProgressListener;
import io.braid.worker.WorkerExtensions;
import io.braid.worker.Worker;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerHealth;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.consume.ControlListener;
import io.braid.worker.internal.consume.GroupRefusals;
import io.braid.worker.internal.consume.ProgressPublisher;
import io.braid.worker.internal.consume.RegistryRetry;
import io.braid.worker.internal.consume.TaskConsumerLoop;
import io.braid.worker.internal.consume.TaskHandler;
import io.braid.worker.internal.execute.AgentBranchExecutor;
import io.braid.worker.internal.execute.BranchRunner;
import io.braid.worker.internal.execute.Cancellations;
import io.braid.worker.internal.execute.Hedging;
import io.braid.worker.internal.flow.FlowListener;
import io.braid.worker.internal.flow.MemberShare;
import io.braid.worker.internal.flow.ModelFlow;
import io.braid.worker.internal.execute.LlmBranchExecutor;
import io.braid.worker.internal.execute.ToolBranchExecutor;
import io.braid.worker.internal.execute.PolicyCheck;
import io.braid.worker.internal.models.ChatModels;
import io.braid.worker.internal.models.ModelRegistry;
import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerHttpServer;
import io.braid.worker.internal.observe.WorkerMetrics;
import io.braid.worker.internal.tools.ToolRegistry;
import io.braid.worker.internal.trace.BranchTracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The one place a worker's parts are built and wired (like parallel-consumer's {@code PCModule}). Each part has a
 * factory method, called once per module (the shared ones remember what they built); a test overrides the method of
 * the part it replaces — models, tools, a Kafka client — and starts the worker with
 * {@link Worker#start(WorkerModule)}. {@link #start()} builds them in order and returns the running worker's parts.
 */
public class WorkerModule {

    /** How far back a starting worker reads the control topic for cancelled jobs. */
    public static final Duration CONTROL_LOOKBACK = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(WorkerModule.class);

    private final WorkerOptions options;
    private final WorkerExtensions extensions;
    private ModelRegistry models;
    private ModelFlow flow;
    private ToolRegistry tools;
    private PrometheusMeterRegistry meterRegistry;
    private WorkerMetrics metrics;
    private HealthProblems problems;
    private SchemaRegistry schemaRegistry;
    private AvroSerializer<SpecificRecord> serializer;
    private KafkaProducer<String, byte[]> producer;
    private ExecutorService branches;
    private ProgressPublisher progressPublisher;
    private boolean progressPublisherBuilt;
    private ProgressListener progress;
    private Cancellations cancellations;
    private BranchRunner runner;
    private TaskHandler taskHandler;
    private GroupRefusals groupRefusals;

    /** A module for a worker with {@code options}, which must be valid. */
    public WorkerModule(WorkerOptions options) {
        this(options, WorkerExtensions.NONE);
    }

    /** A module for a worker with {@code options} and what its host adds ({@link WorkerExtensions}). */
    public WorkerModule(WorkerOptions options, WorkerExtensions extensions) {
        this.options = options.validate();
        this.extensions = java.util.Objects.requireNonNull(extensions, "extensions");
    }

    public WorkerOptions options() {
        return options;
    }

    /** The models and tool settings: {@link WorkerOptions#effectiveConfig()}. */
    public WorkerConfig config() {
        return options.effectiveConfig();
    }

    /**
     * Builds the parts in order — executors (a policy naming a missing tool stops here), the share group's settings,
     * meters, producer, branch threads, progress, runner, control listener, consumer loops, HTTP endpoint — and
     * starts them. If the HTTP endpoint cannot start, what was started is stopped again.
     */
    public WorkerRuntime start() {
        WorkerConfig config = config();
        log.info("worker {}: models {} (default {}), tools {}, {}", options.workerId(), config.models(),
                config.defaultModelName(), tools().names(), config.policy());
        Map<BranchKind, BranchExecutor> executors = executors();
        configureShareGroup();
        WorkerRuntime runtime = new WorkerRuntime(this, executors);
        if (options.httpPort() >= 0) {
            try {
                runtime.serveHttp(httpServer(runtime::health));
            } catch (RuntimeException e) {
                runtime.shutdown(Duration.ZERO);
                throw e;
            }
        }
        return runtime;
    }

    /** The models of the configuration; the simulated one unless a config file names others. */
    protected ModelRegistry models() {
        if (models == null) {
            models = ChatModels.build(config(), System::getenv, options.simulatedOutage(), options.clock());
        }
        return models;
    }

    /**
     * The built-in tools, those on the class path ({@code ServiceLoader}), those of the tool plugins and those the
     * host added ({@link WorkerExtensions#tools()}).
     */
    protected ToolRegistry tools() {
        if (tools == null) {
            tools = ToolRegistry.builtIns(config().tools(), options.clock())
                    .withServiceLoaderTools(Worker.class.getClassLoader())
                    .withPlugins(options.toolPlugins())
                    .with(extensions.tools());
        }
        return tools;
    }

    /**
     * Flow control of the model calls: the config's rate limits and prices, each model's latencies; reports to the
     * metrics.
     */
    protected ModelFlow flow() {
        if (flow == null) {
            flow = new ModelFlow(config(), options.clock(), duration -> Thread.sleep(duration), metrics());
        }
        return flow;
    }

    /**
     * Reads the share group's members for this worker's share of the rate limits, at least every
     * {@link WorkerOptions#memberShareRefresh()}; null when no model has a rate limit.
     */
    protected MemberShare memberShare() {
        if (!flow().limitsAny()) {
            return null;
        }
        return new MemberShare(Admin.create(options.kafka().config(Map.of())), options.groupId(),
                options.workerId(), () -> options.consumers() - groupRefusals().refusedNow(),
                options.memberShareRefresh(), flow()::share).start();
    }

    /** The executor of each branch kind, with the tools switched off by configuration failing at once. */
    protected Map<BranchKind, BranchExecutor> executors() {
        return executorsFor(config(), flow(), models(), tools().disabling(options.disabledTools()));
    }

    /** As {@link #executorsFor(WorkerConfig, ModelFlow, ModelRegistry, ToolRegistry)} with the config's own flow. */
    public static Map<BranchKind, BranchExecutor> executorsFor(WorkerConfig config, ModelRegistry models,
                                                                ToolRegistry tools) {
        return executorsFor(config, new ModelFlow(config, java.time.Clock.systemUTC(),
                duration -> Thread.sleep(duration), FlowListener.NONE), models, tools);
    }

    /**
     * The executor of each branch kind, under the config's tool and model policy, every model call under
     * {@code flow}; a policy naming a tool the worker does not have stops it here.
     */
    public static Map<BranchKind, BranchExecutor> executorsFor(WorkerConfig config, ModelFlow flow,
                                                                ModelRegistry models, ToolRegistry tools) {
        String problem = config.policy().toolProblem(tools.names());
        if (problem != null) {
            throw new IllegalArgumentException("worker config: " + problem);
        }
        PolicyCheck policy = new PolicyCheck(config.policy());
        ModelRegistry flowing = flow.wrap(models);
        Hedging hedging = new Hedging(flowing, flow);
        return Map.of(
                BranchKind.LLM, new LlmBranchExecutor(flowing, policy, hedging),
                BranchKind.TOOL, new ToolBranchExecutor(tools, policy),
                BranchKind.AGENT, new AgentBranchExecutor(flowing, tools, config.tools().agent(), policy, hedging));
    }

    /** Sets the share group's start offset, isolation level and record lock ({@link KafkaClients}). */
    protected void configureShareGroup() {
        KafkaClients.configureShareGroup(options);
    }

    protected PrometheusMeterRegistry meterRegistry() {
        if (meterRegistry == null) {
            meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        }
        return meterRegistry;
    }

    protected WorkerMetrics metrics() {
        if (metrics == null) {
            metrics = new WorkerMetrics(meterRegistry(), options.workerId(), options.maxInFlight());
        }
        return metrics;
    }

    /** What the parts report against readiness and liveness. */
    protected HealthProblems problems() {
        if (problems == null) {
            problems = new HealthProblems(options.clock());
        }
        return problems;
    }

    protected SchemaRegistry schemaRegistry() {
        if (schemaRegistry == null) {
            schemaRegistry = new SchemaRegistryClient(options.registryUrl());
        }
        return schemaRegistry;
    }

    protected AvroSerializer<SpecificRecord> serializer() {
        if (serializer == null) {
            serializer = new AvroSerializer<>(schemaRegistry());
        }
        return serializer;
    }

    /** The one producer of results, dead letters and progress events. */
    protected KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(KafkaClients.producerConfig(options), new StringSerializer(),
                    new ByteArraySerializer());
        }
        return producer;
    }

    /** One virtual thread per branch. */
    protected ExecutorService branches() {
        if (branches == null) {
            branches = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name(options.workerId() + "-branch-", 0).factory());
        }
        return branches;
    }

    /** The publisher of progress events, or null when they are off ({@link WorkerOptions#progressEvents()}). */
    protected ProgressPublisher progressPublisher() {
        if (!progressPublisherBuilt) {
            progressPublisherBuilt = true;
            progressPublisher = options.progressEvents()
                    ? new ProgressPublisher(options.topics(), serializer(), producer(), options.workerId(),
                    options.clock())
                    : null;
        }
        return progressPublisher;
    }

    /**
     * Who hears of branches starting, retrying and finishing: the metrics, the progress events if on, and the host's
     * listener ({@link WorkerExtensions#progress()}).
     */
    protected ProgressListener progress() {
        if (progress == null) {
            ProgressPublisher publisher = progressPublisher();
            ProgressListener own = publisher != null ? ProgressListener.all(metrics(), publisher) : metrics();
            progress = extensions.progress() == ProgressListener.NONE ? own
                    : ProgressListener.all(own, extensions.progress());
        }
        return progress;
    }

    /** The jobs cancelled, as the control listener hears of them. */
    protected Cancellations cancellations() {
        if (cancellations == null) {
            cancellations = new Cancellations();
        }
        return cancellations;
    }

    /** Runs a branch with timeouts, retries and the run budget, on {@link #branches()}. */
    protected BranchRunner runner(Map<BranchKind, BranchExecutor> executors) {
        if (runner == null) {
            runner = new BranchRunner(executors, branches(), options.retryPolicy(), options.defaultTimeout(),
                    options.runBudget(), options.workerId(), options.clock(), duration -> Thread.sleep(duration),
                    progress(), cancellations());
        }
        return runner;
    }

    /** Reads the control topic for cancelled jobs (from {@link #CONTROL_LOOKBACK} back). */
    protected ControlListener controlListener() {
        return new ControlListener(new KafkaConsumer<>(KafkaClients.controlConsumerConfig(options),
                new StringDeserializer(), new ByteArrayDeserializer()), options.topics().control(),
                new AvroDeserializer<>(schemaRegistry(), JobControl.class), cancellations(), CONTROL_LOOKBACK,
                options.clock(), problems());
    }

    /** Turns one task record into a run and its result record; shared by all consumer loops. */
    protected TaskHandler taskHandler(BranchRunner runner) {
        if (taskHandler == null) {
            taskHandler = new TaskHandler(options.topics(), new AvroDeserializer<>(schemaRegistry(), BranchTask.class),
                    serializer(), producer(), runner, metrics(), progress(), options.maxResultBytes(),
                    new RegistryRetry(problems(), options.clock(), duration -> Thread.sleep(duration),
                            options.registryWait()), options.shareDeliveryLimit(),
                    BranchTracing.of(options.openTelemetry()));
        }
        return taskHandler;
    }

    /** Share consumer {@code index}'s loop, handing each record to {@code handler} on {@link #branches()}. */
    protected TaskConsumerLoop consumerLoop(int index, TaskHandler handler) {
        Duration halfLock = options.recordLockDuration().dividedBy(2);
        return new TaskConsumerLoop(index, () -> new KafkaShareConsumer<>(KafkaClients.consumerConfig(options, index),
                new StringDeserializer(), new ByteArrayDeserializer()),
                java.util.List.of(options.topics().tasksHigh(), options.topics().tasks()), branches(), handler,
                metrics(), problems(), () -> flow().backlog().compareTo(halfLock) > 0, groupRefusals());
    }

    /**
     * The publisher of this worker's status to the workers topic, with {@code state} its state now; null when
     * {@link WorkerOptions#statusInterval()} is zero (off).
     */
    protected io.braid.worker.internal.observe.WorkerStatusPublisher statusPublisher(
            Supplier<io.braid.worker.Worker.State> state) {
        return options.statusInterval().isZero() ? null : new io.braid.worker.internal.observe.WorkerStatusPublisher(
                options, serializer(), producer(), metrics(), flow(), state);
    }

    /** The worker's share consumers refused by a full share group, with the metrics watching them. */
    protected GroupRefusals groupRefusals() {
        if (groupRefusals == null) {
            groupRefusals = new GroupRefusals(options.groupId(), options.consumers(), metrics(),
                    groupFullRetries());
            metrics().watchShareConsumers(options.consumers(), groupRefusals::refusedNow);
        }
        return groupRefusals;
    }

    /** How long a consumer refused by a full share group waits before trying again. */
    protected GroupRefusals.Retries groupFullRetries() {
        return GroupRefusals.Retries.DEFAULT;
    }

    /** The health and metrics endpoint ({@link WorkerOptions#httpPort()}), answering with {@code health}. */
    protected WorkerHttpServer httpServer(Supplier<WorkerHealth> health) {
        return WorkerHttpServer.start(options.httpBind(), options.httpPort(), options.metricsToken(),
                meterRegistry(), health);
    }
}
