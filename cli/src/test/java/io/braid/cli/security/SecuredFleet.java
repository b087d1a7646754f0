package io.braid.cli.security;

import io.braid.cli.Main;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.testing.SecureTestKafka;
import io.braid.testing.SecureTestKafka.User;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An orchestrator and a worker on a secured broker, each logged in as its own user; and the CLI, run in-process. */
final class SecuredFleet {

    /** What a {@code braid} command printed and returned. */
    record Outcome(int exitCode, String out, String err) {
    }

    private SecuredFleet() {
    }

    static Orchestrator orchestrator(SecureTestKafka kafka, String registryUrl, User user, Path stateDir) {
        Orchestrator orchestrator = Orchestrator.start(orchestratorOptions(kafka, registryUrl, user, stateDir));
        orchestrator.awaitRunning(Duration.ofSeconds(60));
        return orchestrator;
    }

    static OrchestratorOptions orchestratorOptions(SecureTestKafka kafka, String registryUrl, User user,
                                                   Path stateDir) {
        return OrchestratorOptions.builder(kafka.bootstrapServers(), registryUrl)
                .kafkaProperties(kafka.clientProperties(user))
                .partitions(2)
                .instanceId("secured")
                .httpPort(-1)
                .stateDir(stateDir)
                .build();
    }

    static WorkerOptions workerOptions(SecureTestKafka kafka, String registryUrl, User user) {
        return WorkerOptions.builder(kafka.bootstrapServers(), registryUrl)
                .kafkaProperties(kafka.clientProperties(user))
                .workerId("secured-worker")
                .simulatedLatency(Duration.ZERO, Duration.ofMillis(5))
                .build();
    }

    static Worker worker(SecureTestKafka kafka, String registryUrl, User user) {
        return Worker.start(workerOptions(kafka, registryUrl, user));
    }

    /** A job file of one calculator branch and one simulated LLM branch. */
    static Path jobFile(Path dir, String jobId) {
        Path file = dir.resolve(jobId + ".json");
        try {
            Files.writeString(file, "{\"jobId\": \"" + jobId + "\", \"branches\": ["
                    + "{\"branchId\": \"math\", \"kind\": \"TOOL\", \"tool\": {\"name\": \"calculator\", "
                    + "\"argumentsJson\": {\"expression\": \"6*7\"}}},"
                    + "{\"branchId\": \"words\", \"kind\": \"LLM\", \"llm\": {\"userPrompt\": \"say hello\"}}]}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Runs {@code braid args…} as {@code user}: on the secured broker, with the user's {@code --kafka-properties}. */
    static Outcome braidAs(SecureTestKafka kafka, String registryUrl, User user, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", registryUrl,
                "--kafka-properties", kafka.propertiesFile(user).toString()));
        return braid(all.toArray(String[]::new));
    }

    /** Runs {@code braid args…} in this JVM, capturing what it printed. */
    static synchronized Outcome braid(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exitCode = commandLine.execute(args);
            return new Outcome(exitCode, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }
}
