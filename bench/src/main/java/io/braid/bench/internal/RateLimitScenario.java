package io.braid.bench.internal;

import io.braid.cli.stack.LocalFleet;
import io.braid.testing.RateLimitedModelServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code rate-limit} scenario (issue 20, goal 7): {@value #WORKERS} worker processes call the fake
 * rate-limited OpenAI provider ({@link RateLimitedModelServer}, simulated: no model behind it) for
 * {@link FlowSizes#rateLimitBranches} (2,000) branches written straight on the tasks topic. The provider allows
 * {@value #REQUESTS_PER_MINUTE} requests and {@value #TOKENS_PER_MINUTE} tokens a minute, enforced over a sliding
 * {@value #WINDOW_SECONDS} s window (the same rate, no minute-long burst, so a run takes seconds), and answers after
 * {@value #LATENCY_MS} ms. With the workers' {@code rateLimits} set to the provider's limits, the goal is no 429
 * after the first {@value #SETTLE_SECONDS} s and at least 90 % of the allowed rate (the binding limit's share,
 * requests or tokens, over the seconds from the {@value #SETTLE_SECONDS}th to the last accepted call); the
 * baseline, the same workers without {@code rateLimits}, is measured in the same run, the two taking turns. Each
 * run's per-second counts go to {@code logs/rate-limit-RUN-MODE-per-second.csv}.
 */
final class RateLimitScenario extends SuiteScenario {

    static final int WORKERS = 4;
    static final int REQUESTS_PER_MINUTE = 6_000;
    static final long TOKENS_PER_MINUTE = 480_000;
    static final int WINDOW_SECONDS = 6;
    static final int LATENCY_MS = 100;
    static final int COMPLETION_TOKENS = 100;
    static final int SETTLE_SECONDS = 10;
    static final double RATE_GOAL_PERCENT = 90;
    static final String KEY_ENV = "BRAID_BENCH_FAKE_KEY";
    static final String NEEDS = "rate limits per model in the worker config (rateLimits, issue 20 worker side)";
    private static final int IN_FLIGHT = 32;
    private static final int RECORDS_PER_POLL = 4;
    private static final int PARTITIONS = 8;

    RateLimitScenario(SuiteContext suite) {
        super(suite);
    }

    private static RateLimitedModelServer.Limits limits() {
        return RateLimitedModelServer.Limits.perMinute(REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE)
                .window(Duration.ofSeconds(WINDOW_SECONDS)).latency(Duration.ofMillis(LATENCY_MS))
                .completionTokens(COMPLETION_TOKENS);
    }

    void run() throws Exception {
        int branches = settings.flow().rateLimitBranches();
        out.printf(Locale.ROOT, "%n[rate-limit: %d worker processes × %d in flight, %,d branches, fake OpenAI provider "
                        + "(simulated) at %,d requests and %,d tokens a minute over a %d s window, %d ms; with the "
                        + "workers' rateLimits and without]%n", WORKERS, IN_FLIGHT, branches, REQUESTS_PER_MINUTE,
                TOKENS_PER_MINUTE, WINDOW_SECONDS, LATENCY_MS);
        String missing = missingRateLimits();
        if (missing != null) {
            out.println("  " + missing + "; measuring the baseline only");
        }
        Map<Boolean, List<RateLimitRun>> runs = Map.of(true, new ArrayList<>(), false, new ArrayList<>());
        try (LocalFleet fleet = LocalFleet.start(0, w -> w)) {
            fleet.awaitReady(Duration.ofSeconds(60));
            for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
                List<Boolean> turns = missing != null ? List.of(false)
                        : Math.floorMod(run, 2) == 1 ? List.of(true, false) : List.of(false, true);
                for (boolean limited : turns) {
                    RateLimitRun measured = measure(fleet, run, limited, branches);
                    out.printf(Locale.ROOT, "  rate-limit run %2d%s, %s: %s%n", run, run < 1 ? " (warm-up)" : "",
                            limited ? "rateLimits" : "no limits", measured.describe());
                    if (run >= 1) {
                        runs.get(limited).add(measured);
                    }
                }
            }
        }
        if (missing == null) {
            report(runs.get(true), "rateLimits", true);
        }
        report(runs.get(false), "no limits (baseline)", false);
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
    }

    /** Null when this build's worker reads {@code rateLimits}; else what is missing. */
    private String missingRateLimits() throws IOException {
        try {
            Needs.workerConfig(writeConfig("http://127.0.0.1:1/v1", true, "rate-limit-probe"), NEEDS);
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private RateLimitRun measure(LocalFleet fleet, int run, boolean limited, int branches) throws IOException {
        String name = "rate-limit-" + (run < 1 ? "w" + (1 - run) : run) + (limited ? "-limited" : "-baseline");
        try (RateLimitedModelServer provider = RateLimitedModelServer.start(limits())) {
            Path config = writeConfig(provider.openAiBaseUrl(), limited, name);
            Needs.workerConfig(config, NEEDS);
            List<String> args = List.of("--config", config.toString(), "--max-in-flight", Integer.toString(IN_FLIGHT),
                    "--records-per-poll", Integer.toString(RECORDS_PER_POLL));
            try (WorkerProcesses workers = WorkerProcesses.start(fleet, "bench-" + name + ".", PARTITIONS, WORKERS,
                    List.of("-Xmx256m"), args, Map.of(KEY_ENV, "fake-key-for-the-simulated-provider"),
                    settings.logDir(), name)) {
                workers.awaitReady(Duration.ofSeconds(90), settings.logDir());
                long start = System.nanoTime();
                try (RecordCounter results = new RecordCounter(fleet.bootstrapServers(), workers.topics().results())) {
                    FleetBenchmark.publishTasks(fleet, workers.topics(), branches, "rate-limit");
                    results.awaitCount(branches, Duration.ofMinutes(10), () -> { });
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                List<RateLimitedModelServer.Second> perSecond = provider.perSecond();
                writePerSecond(settings.logDir().resolve(name + "-per-second.csv"), perSecond);
                return RateLimitRun.of(perSecond, provider.limits(), branches, SETTLE_SECONDS, seconds);
            }
        }
    }

    private Path writeConfig(String baseUrl, boolean limited, String name) throws IOException {
        Path file = settings.logDir().resolve(name + "-worker.yaml");
        String config = """
                # braid bench rate-limit: a fake, simulated OpenAI-compatible provider (RateLimitedModelServer)
                defaultModel: fake
                models:
                  fake: { provider: openai, baseUrl: %s, modelName: %s, apiKeyEnv: %s, timeout: 10s }
                """.formatted(baseUrl, RateLimitedModelServer.MODEL, KEY_ENV);
        if (limited) {
            config += """
                    rateLimits:
                      fake: { requestsPerMinute: %d, tokensPerMinute: %d }
                    """.formatted(REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE);
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, config);
        return file;
    }

    /** The provider's per-second counts, for reading a run's shape (its ramp-up, its 429s) after the fact. */
    private static void writePerSecond(Path file, List<RateLimitedModelServer.Second> perSecond) throws IOException {
        StringBuilder csv = new StringBuilder("second,accepted,tokens,rejected429\n");
        perSecond.forEach(s -> csv.append(s.second()).append(',').append(s.accepted()).append(',').append(s.tokens())
                .append(',').append(s.rejected()).append('\n'));
        Files.writeString(file, csv);
    }

    private void report(List<RateLimitRun> runs, String mode, boolean goals) {
        String after = "after the first " + SETTLE_SECONDS + " s";
        suite.add(new Measurement("rate-limit", "429s " + after + ", " + mode, "",
                runs.stream().map(r -> (double) r.rejectedAfterSettling()).toList(), goals ? 0.0 : null, true,
                (goals ? "#7; " : "") + "the provider's count; in the first " + SETTLE_SECONDS + " s: median "
                        + Math.round(Stats.median(runs.stream().map(r -> (double) r.rejectedWhileSettling())
                        .toList()))));
        suite.add(new Measurement("rate-limit", "achieved rate " + after + ", " + mode, "% of allowed",
                runs.stream().map(RateLimitRun::percentOfAllowed).toList(), goals ? RATE_GOAL_PERCENT : null,
                false, (goals ? "#7; " : "") + "the binding limit's share (requests or tokens) from second "
                + SETTLE_SECONDS + " to the last accepted call"));
        suite.add(new Measurement("rate-limit", "branches without an accepted call, " + mode, "",
                runs.stream().map(r -> (double) r.unanswered()).toList(), null, true,
                "branches the provider never answered 200: failed after their attempts"));
        suite.add(new Measurement("rate-limit", "wall time, " + mode, "s",
                runs.stream().map(RateLimitRun::seconds).toList(), null, true,
                "tasks written to the last result read"));
    }
}
