package io.braid.bench.internal;

import io.braid.cli.stack.BraidProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How the soak reads what it samples, each the cheapest honest way: heap from {@code jstat -gc} (it reads the JVM's
 * performance-data file, which the JVM keeps up to date anyway: no attach, no safepoint in the measured process;
 * the orchestrator's {@code /metrics} has no JVM meters), RSS from /proc, the state store by walking its directory,
 * topic bytes from the broker's log directories, jobs held from the orchestrator's {@code /metrics}. A value that
 * cannot be read is NaN.
 */
final class SoakProbes {

    private static final double MIB = 1024.0 * 1024.0;

    private SoakProbes() {
    }

    /** Heap used and old generation used of a JVM in MiB, from {@code jstat -gc} next to this JVM's java. */
    static double[] heapMib(long pid) {
        Path jstat = ProcessHandle.current().info().command().map(java -> Path.of(java).resolveSibling("jstat"))
                .orElse(Path.of("jstat"));
        try {
            Process process = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid))
                    .redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return new double[] {Double.NaN, Double.NaN};
            }
            return parseJstatGc(text);
        } catch (IOException e) {
            return new double[] {Double.NaN, Double.NaN};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** Heap used (survivors + eden + old) and old generation used in MiB from {@code jstat -gc}'s two lines (KiB). */
    static double[] parseJstatGc(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.size() < 2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        List<String> header = Arrays.asList(lines.get(0).trim().split("\\s+"));
        String[] values = lines.get(1).trim().split("\\s+");
        try {
            double used = 0;
            for (String name : List.of("S0U", "S1U", "EU", "OU")) {
                used += Double.parseDouble(values[header.indexOf(name)]);
            }
            return new double[] {used / 1024, Double.parseDouble(values[header.indexOf("OU")]) / 1024};
        } catch (RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** A process's resident set in MiB (/proc/PID/status VmRSS). */
    static double rssMib(long pid) {
        return BraidProcess.residentSetBytes(pid).map(bytes -> bytes / MIB).orElse(Double.NaN);
    }

    /** The size of the regular files under {@code dir} in MiB (files that vanish while it walks are skipped). */
    static double directoryMib(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(SoakProbes::sizeOrZero).sum() / MIB;
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (NoSuchFileException e) {
            return 0; // RocksDB deleted it (compaction) while we walked
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes on the brokers' disks in MiB: of the Kafka Streams changelog topics, of the topics whose names start with
     * {@code prefix} (Braid's own), and of the broker's internal topics (offsets, transactions, share-group state).
     */
    static double[] topicMib(Admin admin, List<Integer> brokers, String prefix) {
        try {
            Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions()
                    .get(10, TimeUnit.SECONDS);
            double[] bytes = new double[3];
            for (Map<String, LogDirDescription> broker : dirs.values()) {
                for (LogDirDescription dir : broker.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                        String topic = replica.getKey().topic();
                        int kind = topic.endsWith("-changelog") ? 0 : topic.startsWith(prefix) ? 1
                                : topic.startsWith("__") ? 2 : -1;
                        if (kind >= 0) {
                            bytes[kind] += replica.getValue().size() / MIB;
                        }
                    }
                }
            }
            return bytes;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    /** A gauge's value from the Prometheus text at {@code metrics}, e.g. {@code braid_jobs_held}. */
    static double gauge(HttpClient http, URI metrics, String name) {
        try {
            String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return prometheusValue(body, name);
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** The value of the first sample named {@code name} (with or without labels) in Prometheus text, else NaN. */
    static double prometheusValue(String text, String name) {
        return text.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).mapToDouble(value -> {
                    try {
                        return Double.parseDouble(value);
                    } catch (NumberFormatException e) {
                        return Double.NaN;
                    }
                }).findFirst().orElse(Double.NaN);
    }
}
