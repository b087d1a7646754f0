package io.braid.cli;

import io.braid.cli.stack.LocalFleet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Braid from Python: the client in {@code clients/python} (Debian's {@code python3-confluent-kafka} 1.7 and
 * {@code python3-avro}, no fastavro) submits jobs in Avro and JSON, reads their results and iterates their events
 * against an embedded fleet whose orchestrator registered the schemas — the client registers nothing.
 */
class PythonClientTest {

    private static final Path CLIENT_DIR = Path.of("..", "clients", "python").toAbsolutePath().normalize();

    /** A python3 that imports confluent_kafka and avro: the one on the PATH, else Debian's. */
    private static Optional<String> python() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process probe = new ProcessBuilder(candidate, "-c", "import confluent_kafka, avro")
                        .redirectErrorStream(true).start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return Optional.of(candidate);
                }
            } catch (IOException e) {
                // not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Test
    void the_python_client_submits_jobs_and_reads_results_and_events() throws Exception {
        Optional<String> python = python();
        Assumptions.assumeTrue(python.isPresent(), "python3 with the confluent_kafka and avro modules is needed "
                + "for the Python client test: apt-get install python3-confluent-kafka python3-avro (.ci/run does)");
        Path log = Files.createDirectories(Path.of("target", "python")).resolve("unittest.log");
        try (LocalFleet fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ZERO, Duration.ofMillis(5)))) {
            fleet.awaitReady(Duration.ofSeconds(60));

            ProcessBuilder unittest = new ProcessBuilder(python.get(), "-m", "unittest", "discover", "-s", "tests",
                    "-t", ".", "-v").directory(CLIENT_DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            unittest.environment().put("BRAID_BOOTSTRAP", fleet.bootstrapServers());
            unittest.environment().put("BRAID_REGISTRY_URL", fleet.registryUrl());
            unittest.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process process = unittest.start();
            boolean finished = process.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = Files.readString(log);

            assertThat(finished).as("python unittest finished within 5 minutes; " + log.toAbsolutePath()).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).as("every test ran, none skipped").contains("OK")
                    .doesNotContainPattern("\\.\\.\\. skipped|skipped=")
                    .containsPattern("test_submit_a_job_read_its_result_and_iterate_its_events \\(.*\\) \\.\\.\\. ok");
        }
    }
}
