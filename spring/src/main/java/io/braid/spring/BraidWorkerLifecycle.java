package io.braid.spring;

import io.braid.spring.internal.BeanTools;
import io.braid.spring.internal.KafkaSettings;
import io.braid.tool.BraidTool;
import io.braid.worker.ProgressListener;
import io.braid.worker.Worker;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerExtensions;
import io.braid.worker.WorkerHealth;
import io.braid.worker.WorkerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Braid worker {@link EnableBraidWorker} runs in the application: started once every singleton bean is
 * created (so its tools — {@link BraidTool} beans and the langchain4j {@code @Tool} methods of {@link BraidTools}
 * beans and of {@code braid.worker.bean-tools} — are all there; it logs them) and drained first when the application stops (running branches get {@code braid.worker.shutdown-grace},
 * then their records are released to other workers).
 *
 * <p>Its options are built and checked when the bean is created: a bad {@code braid.worker.*} value stops the
 * application at once, naming the property.
 */
public final class BraidWorkerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BraidWorkerLifecycle.class);

    private final WorkerOptions options;
    private final Set<String> beanTools;
    private final ListableBeanFactory beans;
    private final List<ProgressListener> listeners;
    private volatile Worker worker;

    BraidWorkerLifecycle(BraidProperties properties, KafkaSettings kafka, String applicationName,
                         ListableBeanFactory beans, List<ProgressListener> listeners) {
        this.options = options(properties, kafka, applicationName);
        this.beanTools = properties.worker().beanTools();
        this.beans = beans;
        this.listeners = List.copyOf(listeners);
    }

    static WorkerOptions options(BraidProperties properties, KafkaSettings kafka, String applicationName) {
        WorkerProperties settings = properties.worker();
        String workerId = settings.workerId() != null ? settings.workerId()
                : (applicationName != null ? applicationName : "worker") + "-" + UUID.randomUUID().toString()
                .substring(0, 8);
        try {
            WorkerOptions.Builder builder = WorkerOptions.builder(kafka.bootstrapServers(),
                            kafka.registryUrl(properties.registryUrl()))
                    .topics(properties.topics())
                    .groupId(settings.groupId())
                    .workerId(workerId)
                    .maxInFlight(settings.maxInFlight())
                    .recordsPerPoll(settings.recordsPerPoll())
                    .defaultTimeout(settings.defaultTimeout())
                    .recordLockDuration(settings.recordLockDuration())
                    .shutdownGrace(settings.shutdownGrace())
                    .disabledTools(settings.disabledTools())
                    .progressEvents(settings.progressEvents())
                    .statusInterval(settings.statusInterval())
                    .kafkaProperties(kafka.securitySettings());
            if (settings.configFile() != null) {
                builder.config(WorkerConfig.load(settings.configFile()));
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("braid.worker: " + e.getMessage());
        }
    }

    /** The worker's options, as built from {@code braid.worker.*} and {@code spring.kafka.*}. */
    public WorkerOptions options() {
        return options;
    }

    /** Starts the worker with the context's tools. */
    @Override
    public synchronized void start() {
        if (worker != null) {
            return;
        }
        BeanTools found = BeanTools.of(beans, beanTools);
        List<BraidTool> tools = found.tools();
        log.info("Braid worker {}: tools from beans {}", options.workerId(), tools.stream().map(BraidTool::name)
                .toList());
        if (!found.hidden().isEmpty()) {
            log.info("Braid worker {}: @Tool methods not exposed (their bean has no @BraidTools and "
                    + "braid.worker.bean-tools does not name them): {}", options.workerId(), found.hidden());
        }
        ProgressListener progress = listeners.isEmpty() ? ProgressListener.NONE
                : ProgressListener.all(listeners.toArray(ProgressListener[]::new));
        worker = Worker.start(options, new WorkerExtensions(tools, progress));
    }

    /** Drains the worker: see {@link Worker#close()}. */
    @Override
    public synchronized void stop() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null;
    }

    /** The running worker, or null when it is not running. */
    public Worker worker() {
        return worker;
    }

    /** The worker's health; not live and not ready when it is not running. */
    public WorkerHealth health() {
        Worker running = worker;
        return running != null ? running.health() : new WorkerHealth(false, false, Worker.State.STOPPED.name(), 0,
                options.maxInFlight(), "the worker is not running");
    }

    /** Branches running now. */
    public int inFlight() {
        Worker running = worker;
        return running == null ? 0 : running.inFlight();
    }
}
