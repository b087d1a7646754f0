package io.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.JobRequest;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Braid from another language: a Node program using Confluent's own Schema Registry client
 * ({@code @confluentinc/schemaregistry}, AvroSerializer / AvroDeserializer) and {@code kafkajs} registers the
 * JobRequest schema itself, submits a job, and reads the JobResult back with Confluent's deserializer — against the
 * embedded broker, the embedded registry, a real orchestrator and a real worker.
 */
class ConfluentClientInteropTest {

    private static final Path NODE_DIR = Path.of("..", "interop", "node").toAbsolutePath().normalize();

    private static int run(List<String> command, Path log, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(NODE_DIR.toFile()).redirectErrorStream(false)
                .redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.to(
                        log.resolveSibling(log.getFileName() + ".err").toFile())).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    private static boolean onPath(String program) {
        try {
            return new ProcessBuilder(program, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Path prepare() throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"),
                "Node.js and npm are needed for the interop test; .ci/run installs them");
        Path logs = Files.createDirectories(Path.of("target", "interop"));
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("@confluentinc"))) {
            assertThat(run(List.of("npm", "install", "--no-audit", "--no-fund"), logs.resolve("npm.log"),
                    Duration.ofMinutes(5))).as("npm install in " + NODE_DIR + "; see target/interop/npm.log").isZero();
        }
        Path schema = logs.resolve("JobRequest.avsc");
        Files.writeString(schema, JobRequest.getClassSchema().toString());
        return schema;
    }

    /** Runs the Node client for {@code jobId} and returns the JobResult it read, as JSON. */
    private static JsonNode nodeClient(LocalFleet fleet, Path schema, String jobId, String... extra) throws Exception {
        Path out = schema.resolveSibling(jobId + ".out");
        List<String> command = new java.util.ArrayList<>(List.of("node", "submit-and-read.js",
                fleet.bootstrapServers(), fleet.registryUrl(), schema.toAbsolutePath().toString(), jobId));
        command.addAll(List.of(extra));
        int exit = run(command, out, Duration.ofMinutes(2));
        assertThat(exit).as("node exit; stderr: " + Files.readString(out.resolveSibling(jobId + ".out.err")))
                .isZero();
        return new ObjectMapper().readTree(Files.readString(out));
    }

    @Test
    void a_node_client_with_confluents_serializer_submits_a_job_and_reads_its_result() throws Exception {
        Path schema = prepare();
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))) {
            fleet.awaitReady(Duration.ofSeconds(60));

            JsonNode result = nodeClient(fleet, schema, "from-node-1");

            assertThat(result.path("jobId").asText()).isEqualTo("from-node-1");
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("output").asText()).contains("\"product\":\"42\"");
            assertThat(result.path("branches")).hasSize(2);
        }
    }

    @Test
    void a_node_client_with_auto_register_off_writes_with_the_schema_braid_registered() throws Exception {
        Path schema = prepare();
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))) {
            fleet.awaitReady(Duration.ofSeconds(60));

            JsonNode result = nodeClient(fleet, schema, "from-node-latest", "latest");

            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("output").asText()).contains("\"product\":\"42\"");
            assertThat(new SchemaRegistryClient(fleet.registryUrl()).latest("braid.jobs-value").version())
                    .as("the client registered nothing").isEqualTo(1);
        }
    }

    @Test
    void a_client_on_a_newer_job_schema_and_one_on_the_old_are_both_served() throws Exception {
        Path schema = prepare();
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))) {
            fleet.awaitReady(Duration.ofSeconds(60));

            try (BraidClient old = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                // a client on the JobRequest Braid was built with registers it as version 1
                old.submit(JobFixtures.llmJob("from-v1-client", 2));
                assertThat(old.awaitResult("from-v1-client", null, Duration.ofSeconds(60), e -> { }).orElseThrow()
                        .getStatus()).isEqualTo(JobStatus.SUCCEEDED);

                // an upgraded client registers JobRequest v2 (one more optional field) and writes with it
                JsonNode upgraded = nodeClient(fleet, schema, "from-node-v2", "v2");
                assertThat(upgraded.path("status").asText()).isEqualTo("SUCCEEDED");
                SchemaRegistryClient registry = new SchemaRegistryClient(fleet.registryUrl());
                assertThat(registry.latest("braid.jobs-value").version()).as("v2 registered").isEqualTo(2);
                assertThat(registry.latest("braid.jobs-value").schema().getField("clientTag")).isNotNull();

                // the old client keeps submitting with v1
                old.submit(JobFixtures.llmJob("from-v1-client-again", 2));
                assertThat(old.awaitResult("from-v1-client-again", null, Duration.ofSeconds(60), e -> { })
                        .orElseThrow().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            }
        }
    }
}
