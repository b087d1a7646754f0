package io.braid.cli.commands;

import io.braid.schema.GroupIds;

import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code braid worker}: one worker process against any Kafka. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs a worker in the foreground until Ctrl-C or SIGTERM. Start as many as you like, "
                + "anywhere; they share the tasks through the share group."})
public final class WorkerCommand implements Callable<Integer> {

    /** {@code --records-per-poll}'s default: {@link WorkerOptions#automaticRecordsPerPoll(int)}. */
    static final String AUTOMATIC = "auto";

    @Mixin
    KafkaOptions kafka;

    @Mixin
    WorkerConfigOptions workerConfig;

    @Option(names = "--worker-id", defaultValue = "${env:BRAID_WORKER_ID}",
            description = "Name of this worker in results (default: random)")
    String workerId;

    @Option(names = "--max-in-flight",
            description = "The most branches this worker runs at once; it fetches nothing while full "
                    + "(default: ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(names = "--records-per-poll",
            description = "Task records one share consumer acquires at once; the worker runs "
                    + "max-in-flight / this consumers (default: ${DEFAULT-VALUE}: 16, or max-in-flight / 32 when "
                    + "more, so at most 32 consumers)")
    String recordsPerPoll;

    @Option(names = "--branch-timeout",
            converter = DurationConverter.class,
            description = "Per-attempt timeout of branches that set none (default: ${DEFAULT-VALUE})")
    Duration branchTimeout;

    @Option(names = "--record-lock", converter = DurationConverter.class,
            description = {"Share-group record lock: a branch's attempts and backoff all fit in 90% of it, and a hung "
                    + "worker's tasks go to others after it. The broker's group.share.max.record.lock.duration.ms "
                    + "must allow it (default: ${DEFAULT-VALUE})"})
    Duration recordLock;

    @Option(names = "--shutdown-grace",
            converter = DurationConverter.class,
            description = "On SIGTERM / Ctrl-C, how long running branches may finish before they are released to "
                    + "other workers (default: ${DEFAULT-VALUE})")
    Duration shutdownGrace;

    @Option(names = "--status-interval", converter = DurationConverter.class,
            description = {"How often the worker publishes its status (branches in flight, each model's rate-limit "
                    + "state) to the workers topic, for the console's Fleet page: 1s to 5m; 0s turns it off "
                    + "(default: ${DEFAULT-VALUE})"})
    Duration statusInterval;

    @Option(names = "--http-port",
            description = "Serve /health/live, /health/ready and /metrics (Prometheus) on this port; 0 picks a free "
                    + "one; negative (the default) serves nothing")
    int httpPort;

    @Option(names = "--http-bind",
            description = "Address of the health and metrics endpoint (default: ${DEFAULT-VALUE}; in a container, "
                    + "0.0.0.0). /metrics asks for BRAID_API_READ_TOKEN from the environment when it is set")
    String httpBind;

    @Option(names = "--worker-group",
            description = "The share group of the worker fleet (default: ${DEFAULT-VALUE})")
    String workerGroup;

    @Option(names = "--simulated-latency",
            description = "Latency range of the simulated model when no --config is given, MIN..MAX "
                    + "(default: ${DEFAULT-VALUE})")
    String simulatedLatency;

    @Option(names = "--disable-tool", paramLabel = "NAME",
            description = "Switch a tool off on this worker (repeatable): its branches fail at once, to be replayed "
                    + "once it is fixed")
    java.util.Set<String> disabledTools = new java.util.HashSet<>();

    @Option(names = "--progress-events", negatable = true,
            fallbackValue = "true",
            description = {"Publish each branch's start, retries and finish to the job-events topic, what 'braid "
                    + "watch' draws (default: ${DEFAULT-VALUE}); --no-progress-events saves two of the four records "
                    + "a branch writes (results and job events of the aggregator are unaffected)"})
    boolean progressEvents;

    @Option(names = "--simulated-outage", description = "Make the simulated model fail every call like a provider "
            + "that is down (HTTP 503), for drills")
    boolean simulatedOutage;

    @Override
    public Integer call() {
        String[] range = simulatedLatency.split("\\.\\.");
        if (range.length != 2) {
            throw new IllegalArgumentException("--simulated-latency '" + simulatedLatency
                    + "' must be MIN..MAX, e.g. 200ms..600ms");
        }
        DurationConverter durations = new DurationConverter();
        WorkerOptions.Builder options = WorkerOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                .topics(kafka.topics())
                .kafkaProperties(kafka.kafkaProperties())
                .groupId(workerGroup)
                .maxInFlight(maxInFlight)
                .recordsPerPoll(recordsPerPoll(recordsPerPoll))
                .defaultTimeout(branchTimeout)
                .recordLockDuration(recordLock)
                .shutdownGrace(shutdownGrace)
                .statusInterval(statusInterval)
                .httpPort(httpPort)
                .httpBind(httpBind)
                .metricsToken(System.getenv("BRAID_API_READ_TOKEN"))
                .openTelemetry(Telemetry.fromEnvironment(System.getenv(), "braid-worker"))
                .disabledTools(disabledTools)
                .simulatedOutage(simulatedOutage)
                .simulatedLatency(durations.convert(range[0]), durations.convert(range[1]));
        workerConfig.applyTo(options);
        options.progressEvents(progressEvents);
        if (workerId != null) {
            options.workerId(workerId);
        }
        WorkerOptions built = options.build();
        Worker worker = Worker.start(built);
        System.out.printf("Worker %s running against %s, up to %d branches in flight (%d share consumers).%n",
                worker.workerId(), kafka.bootstrapServers(), built.maxInFlight(), built.consumers());
        System.out.printf("Models: %s (default %s). Tools: %s.%n", built.effectiveConfig().models().keySet(),
                built.effectiveConfig().defaultModelName(), String.join(", ", worker.toolNames()));
        worker.httpPort().ifPresent(port -> System.out.printf(
                "Health: http://localhost:%d/health/ready  Metrics: http://localhost:%d/metrics%n", port, port));
        System.out.printf("Ctrl-C or SIGTERM drains it: running branches get %d s to finish, the rest go to other "
                + "workers.%n", built.shutdownGrace().toSeconds());
        Foreground.runUntilStopped(() -> {
            System.out.printf("Worker %s draining: %d branches in flight get up to %d s to finish.%n",
                    worker.workerId(), worker.inFlight(), built.shutdownGrace().toSeconds());
            worker.close();
            System.out.printf("Worker %s stopped.%n", worker.workerId());
        });
        return 0;
    }

    /** {@code auto} (null: the worker chooses) or a whole number, refused with the option named otherwise. */
    static Integer recordsPerPoll(String value) {
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase(AUTOMATIC)) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--records-per-poll '" + value + "' must be auto or a whole number");
        }
    }
}
