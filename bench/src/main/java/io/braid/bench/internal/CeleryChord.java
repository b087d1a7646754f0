package io.braid.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.braid.cli.stack.ProcessGroup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Celery baseline: {@code bench/celery/chord-baseline.sh} (Redis broker and result backend, a prefork worker
 * with one process per core) kept running for the scenario, asked over stdin to time chords of no-op tasks with a
 * collecting callback — the same job shape as a Braid fan-out. It runs in a {@link ProcessGroup}, so its worker's
 * prefork children and its Redis end with it, whether the scenario ends, fails or is interrupted.
 */
final class CeleryChord implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProcessGroup group;
    private final Process process;
    private final BufferedReader answers;
    private final PrintWriter commands;

    private CeleryChord(ProcessGroup group) {
        this.group = group;
        this.process = group.process();
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts the baseline, or says why it cannot and returns null (the scenario then runs without it). */
    static CeleryChord available(Path script, Path logDir, PrintStream out) {
        if (script == null || !Files.isRegularFile(script)) {
            out.println("  Celery baseline: not run (no script at " + script + ")");
            return null;
        }
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve("celery-baseline.log");
            ProcessGroup group = ProcessGroup.start(new ProcessBuilder("bash", script.toString())
                    .redirectError(log.toFile()));
            CeleryChord chord = new CeleryChord(group);
            String ready = chord.answers.readLine();
            if (ready == null || !ready.contains("\"ready\"")) {
                group.stop();
                out.println("  Celery baseline: not run (it did not start; see " + log + ")");
                return null;
            }
            return chord;
        } catch (IOException | java.io.UncheckedIOException e) {
            out.println("  Celery baseline: not run (" + e.getMessage() + ")");
            return null;
        }
    }

    /** Runs {@code chords} chords of {@code branches} no-op tasks one after another; the median, in ms. */
    double medianChordMillis(int branches, int chords) throws IOException {
        commands.println(branches + " " + chords);
        String line = answers.readLine();
        if (line == null) {
            throw new IOException("the Celery baseline stopped; see its log");
        }
        JsonNode answer = JSON.readTree(line);
        return answer.path("median").asDouble();
    }

    /**
     * Asks the baseline to quit (the script stops its worker and Redis), then stops its process group: whatever the
     * script left — a prefork child, a server — goes with it.
     */
    @Override
    public void close() {
        commands.println("quit");
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            group.stop();
        }
    }
}
