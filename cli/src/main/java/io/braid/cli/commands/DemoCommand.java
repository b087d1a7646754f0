package io.braid.cli.commands;

import io.braid.cli.JobSession;
import io.braid.client.BraidClient;
import io.braid.client.JobFiles;
import io.braid.cli.stack.LocalFleet;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code braid demo}: the embedded default end to end, with the sample "report" job. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts Kafka, the schema registry, the orchestrator and workers in this JVM, runs the "
                + "sample report job (4 LLM branches on the simulated model + 1 tool branch) and prints how the "
                + "branches overlapped.", "Nothing to install or configure; nothing is kept afterwards."})
public final class DemoCommand implements Callable<Integer> {

    /** The sample job, shipped inside the CLI (a copy of examples/report.json). */
    public static final String SAMPLE_JOB = "/examples/report.json";

    @Option(names = "--workers", defaultValue = "3", description = "Workers to start (default: ${DEFAULT-VALUE})")
    int workers;

    @Override
    public Integer call() {
        return run(workers, System.out).isPresent() ? 0 : 1;
    }

    /** What {@code braid demo} does, printing to {@code out}; returns the job result. */
    public static Optional<JobResult> run(int workers, PrintStream out) {
        out.printf("Starting the embedded stack: Kafka (KRaft, in-process), schema registry, orchestrator, "
                + "%d workers...%n", workers);
        long start = System.nanoTime();
        try (LocalFleet fleet = LocalFleet.start(workers, builder -> builder)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            Duration warmUp = fleet.warmUp(Duration.ofSeconds(60));
            out.printf("Ready in %.1f s (Kafka at %s, registry at %s; the workers' share group warmed up with one "
                    + "job in %.1f s, so that the first branch starts as soon as it is dispatched).%n%n",
                    (System.nanoTime() - start) / 1e9, fleet.bootstrapServers(), fleet.registryUrl(),
                    warmUp.toMillis() / 1e3);
            JobRequest job = JobFiles.parse(sampleJob(), "report");
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                return JobSession.run(client, job, Duration.ofSeconds(60), out);
            }
        }
    }

    static String sampleJob() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(SAMPLE_JOB)) {
            if (in == null) {
                throw new IllegalStateException("the sample job " + SAMPLE_JOB + " is missing from the CLI jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
