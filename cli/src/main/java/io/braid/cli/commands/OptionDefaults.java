package io.braid.cli.commands;

import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.JoinSettings;
import io.braid.worker.WorkerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where an option's default comes from when the command line does not give it: its environment variable, else the
 * default of the options object the command fills ({@link OrchestratorOptions}, ...). Each default is written once,
 * in that object; the help's {@code ${DEFAULT-VALUE}} shows what this provider answers. Options not listed here keep
 * their annotation's {@code defaultValue}.
 */
public final class OptionDefaults implements CommandLine.IDefaultValueProvider {

    /** An option's environment variable (or null) and its default when the variable is unset or blank. */
    record Default(String variable, String value) {
    }

    private final Map<String, Default> byOption = new HashMap<>();
    private final Function<String, String> environment;

    OptionDefaults(Function<String, String> environment) {
        this.environment = environment;
        orchestrator(OrchestratorOptions.builder("defaults:9092", KafkaOptions.DEFAULT_REGISTRY_URL).build());
        worker(WorkerOptions.builder("defaults:9092", KafkaOptions.DEFAULT_REGISTRY_URL).build());
        put("acls --worker-group", "BRAID_WORKER_GROUP", io.braid.schema.GroupIds.WORKERS);
    }

    /** The defaults, with environment variables read from the process's environment. */
    public static OptionDefaults fromEnvironment() {
        return new OptionDefaults(System::getenv);
    }

    private void orchestrator(OrchestratorOptions o) {
        JoinSettings join = o.join();
        String command = "orchestrator ";
        put(command + "--partitions", "BRAID_PARTITIONS", o.partitions());
        put(command + "--replication-factor", "BRAID_REPLICATION_FACTOR", o.replicationFactor());
        put(command + "--state-dir", "BRAID_STATE_DIR", o.stateDir());
        put(command + "--delivery", "BRAID_DELIVERY", o.delivery().optionName());
        put(command + "--commit-interval", "BRAID_COMMIT_INTERVAL", text(o.commitInterval()));
        put(command + "--poll-time", "BRAID_POLL_TIME", text(o.streamsPollTime()));
        put(command + "--default-job-deadline", "BRAID_DEFAULT_JOB_DEADLINE", text(join.defaultDeadline()));
        put(command + "--finished-job-retention", "BRAID_FINISHED_JOB_RETENTION", text(join.finishedRetention()));
        put(command + "--http-bind", "BRAID_HTTP_BIND", o.httpBind());
        put(command + "--advertised-host", "BRAID_ADVERTISED_HOST", o.advertisedHost());
        put(command + "--record-bytes", "BRAID_RECORD_BYTES", o.limits().recordBytes());
        put(command + "--max-job-bytes", "BRAID_MAX_JOB_BYTES", o.limits().maxJobBytes());
        put(command + "--max-fan-out-bytes", "BRAID_MAX_FAN_OUT_BYTES", o.maxFanOutBytes());
        put(command + "--standby-replicas", "BRAID_STANDBY_REPLICAS", o.standbyReplicas());
        put(command + "--worker-group", "BRAID_WORKER_GROUP", o.workerGroupId());
        put(command + "--max-branches", "BRAID_MAX_BRANCHES", o.maxBranches());
        put(command + "--max-concurrency", "BRAID_MAX_CONCURRENCY", o.maxConcurrency());
        // the console's durations (its other options default to ConsoleSettings' constants in their annotations);
        // keyed by name alone, as they come from a mixin
        put("--console-history", null, text(o.console().history()));
        put("--console-stream-lifetime", null, text(o.console().streamLifetime()));
        put("--forward-timeout", null, text(o.console().forwardTimeout()));
    }

    private void worker(WorkerOptions o) {
        String command = "worker ";
        put(command + "--max-in-flight", "BRAID_WORKER_MAX_IN_FLIGHT", o.maxInFlight());
        put(command + "--records-per-poll", "BRAID_WORKER_RECORDS_PER_POLL", WorkerCommand.AUTOMATIC);
        put(command + "--branch-timeout", "BRAID_BRANCH_TIMEOUT", text(o.defaultTimeout()));
        put(command + "--record-lock", "BRAID_RECORD_LOCK", text(o.recordLockDuration()));
        put(command + "--shutdown-grace", "BRAID_SHUTDOWN_GRACE", text(o.shutdownGrace()));
        put(command + "--status-interval", "BRAID_WORKER_STATUS_INTERVAL", text(o.statusInterval()));
        put(command + "--http-port", "BRAID_WORKER_HTTP_PORT", o.httpPort());
        put(command + "--http-bind", "BRAID_HTTP_BIND", o.httpBind());
        put(command + "--worker-group", "BRAID_WORKER_GROUP", o.groupId());
        put(command + "--simulated-latency", "BRAID_SIMULATED_LATENCY",
                text(o.simulatedLatencyMin()) + ".." + text(o.simulatedLatencyMax()));
        put(command + "--progress-events", "BRAID_PROGRESS_EVENTS", o.progressEvents());
    }

    private void put(String key, String variable, Object value) {
        byOption.put(key, new Default(variable, String.valueOf(value)));
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        Default known = lookup(arg);
        if (known == null) {
            return null;
        }
        String set = known.variable() == null ? null : environment.apply(known.variable());
        return set == null || set.isBlank() ? known.value() : set;
    }

    /** The environment variable {@code arg} defaults from, when this provider knows the option. */
    public java.util.Optional<String> variable(ArgSpec arg) {
        Default known = lookup(arg);
        return java.util.Optional.ofNullable(known == null ? null : known.variable());
    }

    private Default lookup(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.command() == null) {
            return null;
        }
        Default known = byOption.get(option.command().name() + " " + option.longestName());
        return known != null ? known : byOption.get(option.longestName());
    }

    /** A duration as people write it and {@link DurationConverter} reads it: 30ms, 5s, 15m, 2h. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0 || millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
