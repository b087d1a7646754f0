package io.braid.cli.commands;

import io.braid.orchestrator.Delivery;

import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.ApiTokens;
import io.braid.schema.RecordLimits;
import io.braid.schema.policy.PolicySettings;
import io.braid.worker.WorkerConfig;
import io.braid.orchestrator.JoinSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code braid orchestrator}: the dispatcher and the aggregator against any Kafka. */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
        description = "Runs the orchestrator (dispatcher + aggregator) in the foreground until Ctrl-C.")
public final class OrchestratorCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--partitions", description = "Partitions of topics it creates (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--replication-factor",
            description = "Replication factor of topics it creates; -1 = broker default (default: ${DEFAULT-VALUE})")
    short replicationFactor;

    @Option(names = "--state-dir", description = "Aggregator state directory (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--instance-id", defaultValue = "${env:BRAID_INSTANCE_ID}",
            description = "Unique name of this orchestrator instance (default: random)")
    String instanceId;

    @Option(names = "--delivery", paramLabel = "MODE", converter = DeliveryConverter.class,
            description = {"exactly-once or low-latency (default: ${DEFAULT-VALUE}). low-latency runs dispatcher and "
                    + "aggregator at least once, so a job result is visible when written, not at the next commit (a "
                    + "few ms instead of ~20). After a crash a job result may be written twice, identical and keyed "
                    + "by jobId and round: keep the first. See docs/BENCHMARKS.md"})
    Delivery delivery;

    @Option(names = "--commit-interval", converter = DurationConverter.class,
            description = "How often a busy aggregator commits; exactly-once, a job result becomes readable at the "
                    + "commit after its join, which an idle aggregator asks for at once (default: ${DEFAULT-VALUE})")
    Duration commitInterval;

    @Option(names = "--poll-time", converter = DurationConverter.class,
            description = "How long the idle aggregator waits for input before its next loop; exactly-once, an "
                    + "idle aggregator's commit request waits for that loop, so shorter answers sooner and spends "
                    + "more CPU while idle (default: ${DEFAULT-VALUE})")
    Duration pollTime;

    @Option(names = "--default-job-deadline", converter = DurationConverter.class,
            description = "Deadline of jobs that set none, from submission: then the job completes with what arrived "
                    + "(default: ${DEFAULT-VALUE})")
    Duration defaultJobDeadline;

    @Option(names = "--finished-job-retention", converter = DurationConverter.class,
            description = "How long a finished job's state is kept for late duplicates and status queries "
                    + "(default: ${DEFAULT-VALUE})")
    Duration finishedJobRetention;

    @Option(names = "--http-port", defaultValue = "${env:BRAID_ORCHESTRATOR_HTTP_PORT:-" + ApiOptions.DEFAULT_PORT
            + "}", description = "Serve GET /jobs/{jobId} (job status) on this port; 0 picks a free one, negative "
            + "serves nothing (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--http-bind",
            description = "Address the HTTP API listens on; any non-loopback address needs API tokens "
                    + "(default: ${DEFAULT-VALUE}; in a container, 0.0.0.0 or the pod IP)")
    String httpBind;

    @Option(names = "--api-tokens-file", defaultValue = "${env:BRAID_API_TOKENS_FILE}",
            description = "Bearer tokens of the job API, one 'scope name token' a line (scope read or operate; "
                    + "# comments). Also BRAID_API_TOKEN (operate) and BRAID_API_READ_TOKEN (read) from the "
                    + "environment; never on the command line")
    java.nio.file.Path apiTokensFile;

    @Option(names = "--advertised-host",
            description = "The host other orchestrator instances reach this one at, to forward status queries "
                    + "(default: ${DEFAULT-VALUE}; in Kubernetes, the pod IP)")
    String advertisedHost;

    @Option(names = "--record-bytes",
            description = "Largest record Braid writes (manifest, task, job result); its producers and the topics "
                    + "it creates or finds are sized to it (default: ${DEFAULT-VALUE})")
    int recordBytes;

    @Option(names = "--max-job-bytes",
            description = "Largest job record accepted, at most half of --record-bytes; larger ones are "
                    + "dead-lettered (default: ${DEFAULT-VALUE})")
    int maxJobBytes;

    @Option(names = "--max-fan-out-bytes",
            description = "Most bytes of tasks one job (with its child jobs) may write: every task carries the "
                    + "job's inputs (default: ${DEFAULT-VALUE})")
    long maxFanOutBytes;

    @Option(names = "--standby-replicas",
            description = "Warm copies of the aggregator's state on other instances, so a failed instance's jobs "
                    + "move without replaying the changelog (default: ${DEFAULT-VALUE}; 1 with 2+ instances)")
    int standbyReplicas;

    @Option(names = "--worker-group",
            description = "The workers' share group, whose task backlog /backlog and /metrics report "
                    + "(default: ${DEFAULT-VALUE})")
    String workerGroup;

    @Option(names = "--max-branches", description = "Most branches per job (default: ${DEFAULT-VALUE})")
    int maxBranches;

    @Option(names = "--max-concurrency",
            description = "The window of a job that sets no maxConcurrency: at most this many of its branches are "
                    + "queued or running at once; the next is published as one finishes (default: ${DEFAULT-VALUE})")
    int maxConcurrency;

    @Option(names = "--policy-file", defaultValue = "${env:BRAID_POLICY_FILE}", paramLabel = "FILE",
            description = "The tool and model policy: the 'policy' section of this YAML file, which may be the "
                    + "workers' config itself. Jobs naming a tool or model their metadata.tenant may not use are "
                    + "refused at submission (PolicyRefused); policy.tenants.<tenant>.maxConcurrency caps the "
                    + "tenant's tasks queued or running over all its jobs. Default: every job may use everything, "
                    + "no caps")
    Path policyFile;

    @Mixin
    ConsoleOptions console;

    /** The tokens file's tokens plus BRAID_API_TOKEN (operate) and BRAID_API_READ_TOKEN (read). */
    private ApiTokens apiTokens() {
        ApiTokens tokens = apiTokensFile == null ? ApiTokens.none() : ApiTokens.load(apiTokensFile);
        return tokens.with("env-operate", ApiTokens.Scope.OPERATE, System.getenv("BRAID_API_TOKEN"))
                .with("env-read", ApiTokens.Scope.READ, System.getenv("BRAID_API_READ_TOKEN"));
    }

    @Override
    public Integer call() {
        OrchestratorOptions.Builder options = OrchestratorOptions.builder(kafka.bootstrapServers(), kafka.registryUrl())
                .topics(kafka.topics())
                .kafkaProperties(kafka.kafkaProperties())
                .workerGroupId(workerGroup)
                .standbyReplicas(standbyReplicas)
                .partitions(partitions)
                .replicationFactor(replicationFactor)
                .stateDir(stateDir)
                .delivery(delivery)
                .commitInterval(commitInterval)
                .streamsPollTime(pollTime)
                .httpPort(httpPort)
                .httpBind(httpBind)
                .apiTokens(apiTokens())
                .recordBytes(recordBytes)
                .maxJobBytes(maxJobBytes)
                .maxFanOutBytes(maxFanOutBytes)
                .maxBranches(maxBranches)
                .maxConcurrency(maxConcurrency)
                .console(console.settings())
                .policy(policyFile == null ? PolicySettings.allowAll() : WorkerConfig.loadPolicy(policyFile))
                .advertisedHost(advertisedHost)
                .openTelemetry(Telemetry.fromEnvironment(System.getenv(), "braid-orchestrator"))
                .join(new JoinSettings(defaultJobDeadline, finishedJobRetention, defaultJobDeadline,
                        JoinSettings.defaults().timerInterval()));
        if (instanceId != null) {
            options.instanceId(instanceId);
        }
        Orchestrator orchestrator = Orchestrator.start(options.build());
        orchestrator.awaitRunning(Duration.ofMinutes(2));
        System.out.printf("Orchestrator running against %s. Ctrl-C to stop.%n", kafka.bootstrapServers());
        orchestrator.httpPort().ifPresent(port -> System.out.printf(
                "Job status: http://%s:%d/jobs/{jobId}  (braid status JOB_ID)%n", advertisedHost, port));
        if (!console.off) {
            orchestrator.httpPort().ifPresent(port -> System.out.printf("Web console: http://%s:%d/console/%n",
                    advertisedHost, port));
        }
        Foreground.runUntilStopped(orchestrator);
        return 0;
    }
}
