package io.braid.bench.internal;

import io.braid.schema.JobRequest;
import io.braid.schema.Topics;
import io.braid.stack.ProcessCluster;
import io.braid.testing.JobFixtures;
import org.apache.kafka.common.TopicPartition;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The {@code cluster} scenario (issue 24): every part a process of its own — the broker(s) ({@link ProcessCluster}),
 * one {@code braid orchestrator}, two {@code braid worker}s — on 1 broker and on 3 (replication 3, 2 in sync), side
 * by side: jobs of {@value #BRANCHES} calculator branches (real work, little of it: this measures the hops) at full
 * speed, branches/s sustained; then {@value #LATENCY_JOBS} jobs one at a time, for the fan-in overhead and what each
 * hop costs. Then, on 3 brokers, goal P12: after a warm-up at the same load, jobs at a quarter of
 * that rate while the leader of a
 * job-results partition is killed (SIGKILL) and restarted {@value #DOWN_SECONDS} s later; how long until the rate of
 * job results is back to 80 % of the rate before, and how many jobs were lost or answered twice.
 */
final class ClusterScenario extends SuiteScenario {

    static final double RECOVERY_GOAL_SECONDS = 30;
    private static final int BRANCHES = 10;
    private static final int JOBS = 3000;
    /** Jobs timed one at a time on each fleet, after its throughput runs warmed it. */
    private static final int LATENCY_JOBS = 100;
    private static final int DOWN_SECONDS = 10;
    private static final Duration KILL_AT = Duration.ofSeconds(30);
    private static final Duration STEADY = Duration.ofSeconds(75);
    /** The steady load runs this long before the measured one, so that every process has compiled its hot code. */
    private static final Duration WARM_UP = Duration.ofSeconds(45);
    /** P12's load, as a share of the 3-broker throughput: a burst's sustained rate overstates what a fleet keeps up. */
    private static final int LOAD_DIVISOR = 4;

    private final HttpClient http = HttpClient.newHttpClient();

    ClusterScenario(SuiteContext suite) {
        super(suite);
    }

    void run() throws Exception {
        out.printf("%n[cluster: 1 and 3 broker processes, 1 orchestrator and 2 worker processes; %,d jobs of %d "
                + "calculator branches, then %d one at a time (the hops); then on 3 brokers a job-results leader "
                + "killed under a quarter of that load]%n", JOBS, BRANCHES, LATENCY_JOBS);
        Hops oneHops = new Hops();
        Hops threeHops = new Hops();
        List<Double> oneBroker = throughput(1, oneHops);
        List<Double> threeBrokers = throughput(3, threeHops);
        oneHops.report("1 broker process");
        threeHops.report("3 broker processes");
        List<Double> ratio = IntStream.range(0, Math.min(oneBroker.size(), threeBrokers.size()))
                .mapToObj(i -> threeBrokers.get(i) / oneBroker.get(i)).toList();
        suite.add(new Measurement("cluster", "1 broker process", "branches/s", oneBroker, null, false,
                "#24; sustained; orchestrator and 2 workers in processes of their own"));
        suite.add(new Measurement("cluster", "3 broker processes", "branches/s", threeBrokers, null, false,
                "#24; replication 3, min.insync.replicas 2"));
        suite.add(new Measurement("cluster", "3 brokers / 1 broker", "×", ratio, null, false,
                "what replication costs on one machine (every replica on the same 2 cores)"));
        double rate = Stats.median(threeBrokers) / BRANCHES / LOAD_DIVISOR;
        LeaderKill.Outcome kill = leaderKill(Math.max(5, rate));
        suite.add(new Measurement("cluster", "P12 back to 80 % after a broker kill", "s",
                kill.keptUp() ? List.of(kill.recoverySeconds()) : List.of(), RECOVERY_GOAL_SECONDS, true,
                String.format(Locale.ROOT, "#24; leader of a job-results partition killed, down %d s; %.0f jobs/s "
                        + "submitted, %.0f/s answered before%s", DOWN_SECONDS, kill.submittedRate(),
                        kill.rateBefore(), kill.keptUp() ? "" : ": the fleet did not keep up before the kill, so "
                        + "recovery is not measured")));
        suite.add(new Measurement("cluster", "P12 jobs lost", "jobs", List.of((double) kill.lost()), 0.0, true,
                "no result within 3 minutes of the last submission"));
        suite.add(new Measurement("cluster", "P12 results duplicated", "results",
                List.of((double) kill.duplicated()), 0.0, true, "more than one committed result for a job"));
    }

    /**
     * One job at a time on a fleet: its wall time less its slowest branch (the fan-in overhead), and where the time
     * went hop by hop (from the times the records carry; every process on this machine reads one clock).
     */
    private final class Hops {
        private final List<Double> overhead = new ArrayList<>();
        private final List<List<Double>> stages = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());

        void measure(ProcessFleet fleet, String prefix) {
            try (JobTimer timer = new JobTimer(fleet.bootstrapServers(), fleet.registryUrl(), Topics.defaults())) {
                for (int i = 0; i < LATENCY_JOBS; i++) {
                    JobTimer.Timed timed = timer.run(job(prefix + i), Duration.ofMinutes(1));
                    overhead.add(timed.fanInOverheadMillis());
                    double[] hops = timed.stages();
                    stages.get(0).add(hops[0]);
                    stages.get(1).add(hops[3]);
                    stages.get(2).add(hops[2]);
                    stages.get(3).add(timed.wallMillis() - hops[0] - hops[1] - hops[2]);
                }
            }
        }

        void report(String fleet) {
            suite.add(new Measurement("cluster", "fan-in overhead p50, " + fleet, "ms", List.of(Stats.median(
                    overhead)), null, false, String.format(Locale.ROOT, "#24; %d jobs of %d calculator branches one "
                    + "at a time, wall time less the slowest branch; p99 %.1f ms", LATENCY_JOBS, BRANCHES,
                    Stats.percentile(overhead, 99))));
            double sum = stages.stream().mapToDouble(Stats::median).sum();
            suite.add(new Measurement("cluster", "hops, sum of p50s, " + fleet, "ms", List.of(sum), null, false,
                    String.format(Locale.ROOT, "submitted → first branch started %.1f; last branch finished → its "
                            + "result readable %.1f; → job joined %.1f; joined → result read by the client %.1f",
                            Stats.median(stages.get(0)), Stats.median(stages.get(1)), Stats.median(stages.get(2)),
                            Stats.median(stages.get(3)))));
        }
    }

    private List<Double> throughput(int brokers, Hops hops) throws Exception {
        List<Double> rates = new ArrayList<>();
        try (ProcessFleet fleet = ProcessFleet.start(brokers, settings.logDir().resolve("cluster-" + brokers), http,
                List.of())) {
            for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
                String prefix = "tp-" + brokers + "-" + run + "-";
                double branchesPerSecond;
                try (JobSubmitter submitter = fleet.submitter();
                     RecordCounter results = new RecordCounter(fleet.bootstrapServers(), Topics.defaults()
                             .jobResults())) {
                    long start = System.nanoTime();
                    for (int i = 0; i < JOBS; i++) {
                        submitter.submitAsync(job(prefix + i));
                    }
                    submitter.flush();
                    results.awaitCount(JOBS, Duration.ofMinutes(5), () -> { });
                    branchesPerSecond = results.sustainedRate(0.1, 0.9) * BRANCHES;
                    out.printf(Locale.ROOT, "  cluster %d broker(s) run %2d%s: %,.0f branches/s sustained (%.1f s "
                                    + "for the batch)%n", brokers, run, run < 1 ? " (warm-up)" : "", branchesPerSecond,
                            (System.nanoTime() - start) / 1e9);
                }
                if (run >= 1) {
                    rates.add(branchesPerSecond);
                }
            }
            hops.measure(fleet, "hop-" + brokers + "-");
        }
        return rates;
    }

    private LeaderKill.Outcome leaderKill(double jobsPerSecond) throws Exception {
        try (ProcessFleet fleet = ProcessFleet.start(3, settings.logDir().resolve("cluster-kill"), http, List.of())) {
            try (JobSubmitter warm = fleet.submitter();
                 RecordCounter results = new RecordCounter(fleet.bootstrapServers(), Topics.defaults().jobResults())) {
                int count = (int) (jobsPerSecond * WARM_UP.toSeconds());
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    if (!Waits.sleepUntil(start + WARM_UP.toNanos() * i / count)) {
                        throw new InterruptedException("interrupted while warming the fleet up");
                    }
                    warm.submitAsync(job("kill-warm-" + i));
                }
                warm.flush();
                results.awaitCount(count, Duration.ofMinutes(3), () -> { });
            }
            TopicPartition partition = new TopicPartition(Topics.defaults().jobResults(), 0);
            LeaderKill run = new LeaderKill(fleet.cluster(), partition, fleet.bootstrapServers(), fleet.submitter(),
                    ClusterScenario::job, out);
            LeaderKill.Outcome outcome = run.run(jobsPerSecond, STEADY, KILL_AT, Duration.ofSeconds(DOWN_SECONDS));
            out.printf(Locale.ROOT, "  cluster P12: killed broker %d at %d s; %.0f jobs/s submitted, %.0f/s answered "
                            + "before; back to 80 %% after %.1f s; %d lost, %d duplicated%n", outcome.node(),
                    KILL_AT.toSeconds(), outcome.submittedRate(), outcome.rateBefore(), outcome.recoverySeconds(),
                    outcome.lost(), outcome.duplicated());
            return outcome;
        }
    }

    static JobRequest job(String jobId) {
        return JobRequest.newBuilder().setJobId(jobId).setBranches(IntStream.range(0, BRANCHES)
                .mapToObj(i -> JobFixtures.toolBranch("b" + i, "calculator", "{\"expression\": \"" + i + " * 3\"}"))
                .toList()).build();
    }
}
