package io.braid.cli.commands;

import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code braid worker}: one worker process against any Kafka. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs a worker in the foreground until Ctrl-C. Start as many as you like; they share the "
                + "tasks through the share group."})
public final class WorkerCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--worker-id", defaultValue = "${env:BRAID_WORKER_ID}",
            description = "Name of this worker in results (default: random)")
    String workerId;

    @Option(names = "--consumers", defaultValue = "${env:BRAID_WORKER_CONSUMERS:-4}",
            description = "Share consumers in this worker (default: ${DEFAULT-VALUE})")
    int consumers;

    @Option(names = "--max-records-per-poll", defaultValue = "${env:BRAID_WORKER_MAX_RECORDS_PER_POLL:-50}",
            description = "Records each consumer takes at once; in flight = consumers × this (default: ${DEFAULT-VALUE})")
    int maxRecordsPerPoll;

    @Option(names = "--branch-timeout", defaultValue = "${env:BRAID_BRANCH_TIMEOUT:-60s}",
            converter = DurationConverter.class,
            description = "Per-attempt timeout of branches that set none (default: ${DEFAULT-VALUE})")
    Duration branchTimeout;

    @Option(names = "--record-lock", defaultValue = "${env:BRAID_RECORD_LOCK:-5m}", converter = DurationConverter.class,
            description = "Share-group record lock; must outlast a branch's attempts (default: ${DEFAULT-VALUE})")
    Duration recordLock;

    @Option(names = "--simulated-latency", defaultValue = "${env:BRAID_SIMULATED_LATENCY:-200ms..600ms}",
            description = "Latency range of the simulated model, MIN..MAX (default: ${DEFAULT-VALUE})")
    String simulatedLatency;

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
                .consumers(consumers)
                .maxRecordsPerPoll(maxRecordsPerPoll)
                .defaultTimeout(branchTimeout)
                .recordLockDuration(recordLock)
                .simulatedLatency(durations.convert(range[0]), durations.convert(range[1]));
        if (workerId != null) {
            options.workerId(workerId);
        }
        WorkerOptions built = options.build();
        Worker worker = Worker.start(built);
        System.out.printf("Worker %s running against %s, up to %d branches in flight. Ctrl-C to stop.%n",
                worker.workerId(), kafka.bootstrapServers(), built.maxInFlight());
        Foreground.runUntilStopped(worker);
        return 0;
    }
}
