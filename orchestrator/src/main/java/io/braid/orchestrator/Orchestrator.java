package io.braid.orchestrator;

import io.braid.orchestrator.internal.TopicRetention;
import io.braid.orchestrator.internal.aggregate.JoinQueries;
import io.braid.orchestrator.internal.dispatch.Dispatcher;
import io.braid.orchestrator.internal.OrchestratorModule;
import io.braid.orchestrator.TaskBacklog;
import io.braid.orchestrator.internal.status.JobStatusServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An orchestrator process: the dispatcher (jobs → manifests + tasks) and the aggregator (manifests + results → job
 * results), with the job API when it is on. {@link #start} creates missing topics, registers Braid's schemas
 * ({@link SchemaSetup}) and starts both; the parts are
 * made by an {@link OrchestratorModule}, the one place they are wired.
 */
public final class Orchestrator implements AutoCloseable {

    private final Dispatcher dispatcher;
    private final Thread dispatcherThread;
    private final KafkaStreams aggregator;
    private final JoinQueries join;
    private final CountDownLatch aggregatorRunning = new CountDownLatch(1);
    private final JobStatusServer status;
    private final KafkaProducer<String, byte[]> controlProducer;
    private final TaskBacklog backlog;
    private final io.braid.orchestrator.internal.console.ConsoleServer console;

    private Orchestrator(OrchestratorModule module) {
        OrchestratorOptions options = module.options();
        TopicSetup.ensureTopics(options.kafka(), options.topics(), options.partitions(),
                options.replicationFactor(), options.limits());
        SchemaSetup.registerAll(module.registry(), options.topics(), module.schemaSetup());
        TopicRetention retention = TopicSetup.retention(options.kafka(), options.topics());
        retention.check(options.join().defaultDeadline());
        dispatcher = module.dispatcher(retention);
        dispatcherThread = Thread.ofPlatform().name("braid-dispatcher").start(dispatcher);
        boolean api = options.httpPort() >= 0;
        controlProducer = api ? module.controlProducer() : null;
        status = api ? module.statusServer(controlProducer) : null;
        HostInfo self = api ? new HostInfo(options.advertisedHost(), status.port()) : null;
        aggregator = module.aggregator(self);
        join = JoinQueries.over(aggregator, self, module.joinSettings());
        aggregator.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                aggregatorRunning.countDown();
            }
        });
        aggregator.start();
        backlog = api ? module.backlog().start() : null;
        if (api) {
            module.serveOperations(status, aggregator, join, dispatcher, backlog);
            console = module.console(status, join, backlog, aggregator);
            status.attach(join);
        } else {
            console = null;
        }
    }

    /** Creates missing topics, registers Braid's schemas, then starts the dispatcher and the aggregator. */
    public static Orchestrator start(OrchestratorOptions options) {
        return start(new OrchestratorModule(options));
    }

    /** Starts an orchestrator from parts a test may have replaced. */
    public static Orchestrator start(OrchestratorModule module) {
        return new Orchestrator(module);
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
        return join.heldJobs();
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
        if (console != null) {
            console.close();
        }
        if (status != null) {
            status.close();
        }
        if (controlProducer != null) {
            controlProducer.close(Duration.ofSeconds(5));
        }
    }
}
