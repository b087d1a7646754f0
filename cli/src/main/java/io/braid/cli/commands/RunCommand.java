package io.braid.cli.commands;

import io.braid.cli.JobSession;
import io.braid.cli.ValidJobFiles;
import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.schema.JobRequest;
import io.braid.schema.Topics;
import io.braid.schema.kafka.KafkaConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code braid run JOB.json}: submit, watch, print the result. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Submits a job file, shows each branch's progress and prints the joined result.",
                "Without --bootstrap-servers it runs on the embedded stack in this JVM, like 'braid demo'; "
                        + "--config and --tool-plugins then set up its workers.",
                "A job of more than 50 branches (--list-up-to) is summarised; --all lists every branch."})
public final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOB.json", description = "The job file (see examples/)")
    Path jobFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka to use; omit to run everything embedded in this JVM")
    String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL", defaultValue = KafkaOptions.DEFAULT_REGISTRY_URL,
            description = "Schema registry URL with --bootstrap-servers (default: ${DEFAULT-VALUE})")
    String registryUrl;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of Braid's topics (default: ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--kafka-properties", paramLabel = "FILE", defaultValue = "${env:BRAID_KAFKA_PROPERTIES}",
            description = {"Kafka client properties for a secured cluster (security.protocol, sasl.*, ssl.*), "
                    + "with --bootstrap-servers (env BRAID_KAFKA_PROPERTIES)"})
    Path kafkaProperties;

    @Option(names = "--workers", defaultValue = "3", description = "Workers of the embedded stack (default: ${DEFAULT-VALUE})")
    int workers;

    @Mixin
    WorkerConfigOptions workerConfig;

    @Mixin
    ListingOptions listing;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long to wait for the result (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
        JobRequest job = ValidJobFiles.read(jobFile);
        if (bootstrapServers == null && kafkaProperties != null) {
            throw new IllegalArgumentException("--kafka-properties " + kafkaProperties + " is for a Kafka named with "
                    + "--bootstrap-servers; without it, 'braid run' starts its own plain-text Kafka in this JVM "
                    + "(unset BRAID_KAFKA_PROPERTIES, or add --bootstrap-servers)");
        }
        if (bootstrapServers == null) {
            // one SDK for the embedded orchestrator and workers, from OTEL_* (README "Tracing"; off unless set)
            io.opentelemetry.api.OpenTelemetry tracing = Telemetry.fromEnvironment(System.getenv(), "braid-run");
            try (LocalFleet fleet = LocalFleet.start(workers, w -> workerConfig.applyTo(w).openTelemetry(tracing),
                    o -> workerConfig.applyPolicyTo(o).openTelemetry(tracing))) {
                fleet.awaitReady(Duration.ofSeconds(60));
                fleet.warmUp(Duration.ofSeconds(60));
                return runOn(KafkaConnection.plain(fleet.bootstrapServers()), fleet.registryUrl(), fleet.topics(),
                        job);
            }
        }
        KafkaConnection kafka = new KafkaConnection(bootstrapServers,
                kafkaProperties == null ? Map.of() : KafkaConnection.loadProperties(kafkaProperties));
        return runOn(kafka, registryUrl, new Topics(topicPrefix), job);
    }

    private int runOn(KafkaConnection kafka, String registry, Topics topics, JobRequest job) {
        try (BraidClient client = new BraidClient(kafka, registry, topics)) {
            return JobSession.run(client, job, timeout, System.out, listing.listing()).isPresent() ? 0 : 1;
        }
    }
}
