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
import java.util.function.Consumer;

/** {@code braid demo}: the embedded default end to end, with the sample "report" job. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts Kafka, the schema registry, the orchestrator and workers in this JVM, runs the "
                + "sample report job (4 LLM branches on the simulated model + 1 tool branch) and prints how the "
                + "branches overlapped.", "Nothing to install or configure; nothing is kept afterwards.",
                "With --console: then prints the web console's URL and keeps running until Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {

    /** The sample job, shipped inside the CLI (a copy of examples/report.json). */
    public static final String SAMPLE_JOB = "/examples/report.json";

    @Option(names = "--workers", defaultValue = "3", description = "Workers to start (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--console", description = "After the job, print the web console's URL and keep everything "
            + "running until Ctrl-C, so you can look at the demo job in a browser")
    boolean console;

    @Override
    public Integer call() {
        Consumer<LocalFleet> whileOpen = console ? fleet -> {
            printConsole(fleet, System.out);
            Foreground.runUntilStopped(fleet);
        } : fleet -> { };
        return run(workers, System.out, whileOpen).isPresent() ? 0 : 1;
    }

    /** What {@code braid demo} does, printing to {@code out}; returns the job result. */
    public static Optional<JobResult> run(int workers, PrintStream out) {
        return run(workers, out, fleet -> { });
    }

    /**
     * As {@link #run(int, PrintStream)}, calling {@code whileOpen} with the fleet after the job, before the fleet
     * stops ({@code braid demo --console} waits there for Ctrl-C).
     */
    public static Optional<JobResult> run(int workers, PrintStream out, Consumer<LocalFleet> whileOpen) {
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
            Optional<JobResult> result;
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                result = JobSession.run(client, job, Duration.ofSeconds(60), out);
            }
            whileOpen.accept(fleet);
            return result;
        }
    }

    /** The web console's address on the demo's orchestrator. */
    public static String consoleUrl(LocalFleet fleet) {
        return "http://127.0.0.1:" + fleet.orchestrator().httpPort().orElseThrow() + "/console/";
    }

    static void printConsole(LocalFleet fleet, PrintStream out) {
        out.printf("%nWeb console: %s%n  Open it in a browser to see the demo job's timeline, its branches and the "
                + "fleet. No token is needed: the demo's API listens on 127.0.0.1 only (an orchestrator with "
                + "--api-tokens-file asks for one). Submit more jobs with 'braid submit --bootstrap-servers %s "
                + "--registry-url %s JOB.json'.%nPress Ctrl-C to stop.%n", consoleUrl(fleet),
                fleet.bootstrapServers(), fleet.registryUrl());
        out.flush();
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
