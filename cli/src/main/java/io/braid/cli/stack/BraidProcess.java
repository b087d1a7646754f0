package io.braid.cli.stack;

import io.braid.cli.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code braid} command (a worker, an orchestrator) as a child JVM process, on this JVM's java and class path:
 * for measurements that need a process of its own (its memory) and for crash tests that kill one.
 */
public final class BraidProcess {

    private BraidProcess() {
    }

    /** Starts {@code braid <args>} with {@code jvmOptions}; its output goes to {@code log}. */
    public static Process start(List<String> jvmOptions, List<String> args, Path log) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            // A process group of its own: a benchmark stopped with Ctrl-C or kill takes its child processes with it.
            return ProcessGroup.start(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile())).process();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start braid " + args + ": " + e.getMessage(), e);
        }
    }

    /** The resident set size of a process in bytes (Linux /proc), if this system tells. */
    public static Optional<Long> residentSetBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) * 1024);
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
