package io.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.JobRequest;
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

    @Test
    void a_node_client_with_confluents_serializer_submits_a_job_and_reads_its_result() throws Exception {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"),
                "Node.js and npm are needed for the interop test; .ci/run installs them");
        Path logs = Files.createDirectories(Path.of("target", "interop"));
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("@confluentinc"))) {
            assertThat(run(List.of("npm", "install", "--no-audit", "--no-fund"), logs.resolve("npm.log"),
                    Duration.ofMinutes(5))).as("npm install in " + NODE_DIR + "; see target/interop/npm.log").isZero();
        }
        Path schema = logs.resolve("JobRequest.avsc");
        Files.writeString(schema, JobRequest.getClassSchema().toString());

        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Path out = logs.resolve("node.out");
            int exit = run(List.of("node", "submit-and-read.js", fleet.bootstrapServers(), fleet.registryUrl(),
                    schema.toAbsolutePath().toString(), "from-node-1"), out, Duration.ofMinutes(2));

            assertThat(exit).as("node exit; stderr in target/interop/node.out.err: "
                    + Files.readString(logs.resolve("node.out.err"))).isZero();
            JsonNode result = new ObjectMapper().readTree(Files.readString(out));
            assertThat(result.path("jobId").asText()).isEqualTo("from-node-1");
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("output").asText()).contains("\"product\":\"42\"");
            assertThat(result.path("branches")).hasSize(2);
        }
    }
}
