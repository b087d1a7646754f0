package io.braid.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A process a benchmark starts, with everything it starts in turn: it runs in a process group of its own (started
 * through {@code setsid}), and {@link #stop} ends the whole group — TERM, then KILL after a grace period — so a
 * Celery worker's prefork children or a script's background server cannot outlive the run, even when re-parented
 * to init. Every group still running when the JVM exits (a normal end, Ctrl-C, SIGTERM) is stopped by a shutdown
 * hook. Linux only ({@code setsid}, {@code /proc}); elsewhere the process runs as a plain child.
 */
public final class ProcessGroup implements AutoCloseable {

    /** How long a group has between TERM and KILL. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    private static final Set<ProcessGroup> RUNNING = ConcurrentHashMap.newKeySet();
    private static final boolean LINUX = Files.isDirectory(Path.of("/proc/self")) && Files.isExecutable(
            Path.of("/usr/bin/setsid"));

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(ProcessGroup::stop),
                "stop-benchmark-processes"));
    }

    private final Process process;
    private final List<Path> temporaryDirectories = new ArrayList<>();

    private ProcessGroup(Process process) {
        this.process = process;
    }

    /** Starts {@code builder}'s command as the leader of a new process group. */
    public static ProcessGroup start(ProcessBuilder builder) {
        if (LINUX) {
            List<String> command = new ArrayList<>(List.of("/usr/bin/setsid"));
            command.addAll(builder.command());
            builder.command(command);
        }
        try {
            ProcessGroup group = new ProcessGroup(builder.start());
            RUNNING.add(group);
            return group;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command() + ": " + e.getMessage(), e);
        }
    }

    public Process process() {
        return process;
    }

    /** A directory removed (with everything in it) once the group has stopped. */
    public ProcessGroup removeOnStop(Path directory) {
        temporaryDirectories.add(directory);
        return this;
    }

    /** The pids of the processes still in the group (the leader's pid is the group's id), from /proc. */
    public List<Long> members() {
        if (!LINUX) {
            return process.isAlive() ? List.of(process.pid()) : List.of();
        }
        return membersOf(process.pid());
    }

    /** The pids of the live processes in process group {@code groupId} (Linux). */
    public static List<Long> membersOf(long groupId) {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> groupOf(p) == groupId).map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The process group of /proc/PID (field 5 of its stat line), or -1 once it is gone. */
    private static long groupOf(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields[0].equals("Z") ? -1 : Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** TERM to the whole group, KILL to what is left after {@link #GRACE}; then the temporary directories go. */
    public void stop() {
        try {
            signal("TERM");
            long deadline = System.nanoTime() + GRACE.toNanos();
            while (!members().isEmpty() && System.nanoTime() < deadline) {
                if (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!members().isEmpty()) {
                signal("KILL");
            }
            process.destroyForcibly();
            RUNNING.remove(this);
            temporaryDirectories.forEach(ProcessGroup::deleteQuietly);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void signal(String name) {
        if (!LINUX) {
            if (name.equals("KILL")) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + name, "--", "-" + process.pid()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void deleteQuietly(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
