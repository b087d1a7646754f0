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
 * speed, branches/s sustained. Then, on 3 brokers, goal P12: after a warm-up at the same load, jobs at a quarter of
 * that rate while the leader of a
 * job-results partition is killed (SIGKILL) and restarted {@value #DOWN_SECONDS} s later; how long until the rate of
 * job results is back to 80 % of the rate before, and how many jobs were lost or answered twice.
 */
final class ClusterScenario extends SuiteScenario {

    static final double RECOVERY_GOAL_SECONDS = 30;
    private static final int BRANCHES = 10;
    private static final int JOBS = 3000;
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
                + "calculator branches; then on 3 brokers a job-results leader killed under half that load]%n", JOBS,
                BRANCHES);
        List<Double> oneBroker = throughput(1);
        List<Double> threeBrokers = throughput(3);
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

    private List<Double> throughput(int brokers) throws Exception {
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
