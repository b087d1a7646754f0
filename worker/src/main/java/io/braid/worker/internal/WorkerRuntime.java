package io.braid.worker.internal;

import io.braid.schema.BranchKind;
import io.braid.worker.BranchExecutor;
import io.braid.worker.Worker;
import io.braid.worker.WorkerHealth;
import io.braid.worker.WorkerOptions;
import io.braid.worker.internal.consume.ControlListener;
import io.braid.worker.internal.consume.GroupRefusals;
import io.braid.worker.internal.consume.TaskConsumerLoop;
import io.braid.worker.internal.consume.TaskHandler;
import io.braid.worker.internal.observe.HealthProblems;
import io.braid.worker.internal.observe.WorkerHttpServer;
import io.braid.worker.internal.observe.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;

/**
 * A started worker's parts, as {@link WorkerModule#start()} built them: the consumer loops and their threads, the
 * control listener, the producer, the branch threads, the status publisher and the HTTP endpoint; its health and its
 * drain.
 */
public final class WorkerRuntime {

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(15);

    private final WorkerOptions options;
    private final List<String> toolNames;
    private final PrometheusMeterRegistry meterRegistry;
    private final WorkerMetrics metrics;
    private final HealthProblems problems;
    private final GroupRefusals refusals;
    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService branches;
    private final ControlListener control;
    private final Thread controlThread;
    private final io.braid.worker.internal.flow.MemberShare memberShare;
    private final io.braid.worker.internal.observe.WorkerStatusPublisher status;
    private final List<TaskConsumerLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile WorkerHttpServer http;
    private volatile Worker.State state = Worker.State.RUNNING;

    /** Builds the parts from {@code module} and starts the control listener and the consumer loops. */
    WorkerRuntime(WorkerModule module, Map<BranchKind, BranchExecutor> executors) {
        options = module.options();
        toolNames = module.tools().names();
        meterRegistry = module.meterRegistry();
        metrics = module.metrics();
        problems = module.problems();
        refusals = module.groupRefusals();
        producer = module.producer();
        branches = module.branches();
        var runner = module.runner(executors);
        memberShare = module.memberShare();
        control = module.controlListener();
        controlThread = Thread.ofPlatform().name(options.workerId() + "-control").start(control);
        TaskHandler handler = module.taskHandler(runner);
        for (int i = 0; i < options.consumers(); i++) {
            TaskConsumerLoop loop = module.consumerLoop(i, handler);
            loops.add(loop);
            threads.add(Thread.ofPlatform().name(options.workerId() + "-consumer-" + i).start(loop));
        }
        status = module.statusPublisher(() -> state);
        if (status != null) {
            status.start();
        }
    }

    void serveHttp(WorkerHttpServer server) {
        http = server;
    }

    public WorkerOptions options() {
        return options;
    }

    /** The tools this worker offers (those switched off by configuration included). */
    public List<String> toolNames() {
        return toolNames;
    }

    public int consumers() {
        return loops.size();
    }

    public Worker.State state() {
        return state;
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    public OptionalInt httpPort() {
        WorkerHttpServer server = http;
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    public String scrapeMetrics() {
        return meterRegistry.scrape();
    }

    /** See {@link Worker#health()}. */
    public WorkerHealth health() {
        return health(state, loops, problems, refusals.problem(), metrics.inFlight(), options.maxInFlight());
    }

    /**
     * Live unless a part died; ready while running, with no problem reported and every consumer loop either joined
     * or refused by a full share group — at least one joined: a worker serves with the consumers that joined.
     * {@code refused} (why consumers were refused, else null) joins the problems either way.
     */
    static WorkerHealth health(Worker.State now, List<TaskConsumerLoop> loops, HealthProblems problems,
                               String refused, int inFlight, int maxInFlight) {
        boolean live = now == Worker.State.STOPPED || loops.stream().allMatch(loop -> loop.failure() == null)
                && !problems.fatal();
        boolean ready = now == Worker.State.RUNNING && live && problems.none()
                && loops.stream().allMatch(loop -> loop.joined() || loop.refused())
                && loops.stream().anyMatch(TaskConsumerLoop::joined);
        String problem = problems.summary();
        if (refused != null) {
            problem = problem == null ? refused : problem + "; " + refused;
        }
        return new WorkerHealth(live, ready, now.name(), inFlight, maxInFlight, problem);
    }

    /** See {@link Worker#shutdown(Duration)}. */
    public synchronized void shutdown(Duration grace) {
        if (state == Worker.State.STOPPED) {
            return;
        }
        state = Worker.State.DRAINING;
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
        closeParts();
        state = Worker.State.STOPPED;
        log.info("worker {} stopped", options.workerId());
    }

    private void closeParts() {
        if (status != null) {
            status.close(); // the last status (STOPPING) goes out before the producer closes
        }
        if (memberShare != null) {
            memberShare.close();
        }
        control.close();
        try {
            controlThread.join(RELEASE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        if (http != null) {
            http.close();
        }
        meterRegistry.close();
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
