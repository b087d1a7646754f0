package io.braid.cli.chaos;

import io.braid.client.BraidClient;
import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.stack.ClusterLayout;
import io.braid.stack.ProcessCluster;
import io.braid.testing.TestKafka;
import io.braid.testing.chaos.ResultChecker;
import io.braid.testing.chaos.ResultChecker.Answer;
import io.braid.testing.chaos.ResultChecker.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos suite (issue 24), Jepsen-style and bounded in time: a 3-node cluster (each node a process, replication
 * factor 3, 2 in sync), 2 orchestrator processes and 4 worker processes; {@value #DEFAULT_JOBS} jobs with known
 * answers go in at a steady rate while a seeded schedule ({@link ChaosSchedule}) SIGKILLs brokers (the leader of a
 * jobs or results partition), orchestrators and workers and starts them again. Then {@link ResultChecker}: every job
 * has exactly one committed result per round, with the right answers, and no dead letter.
 *
 * <p>Short by default (about 4 minutes, {@value #DEFAULT_SECONDS} s of faults); {@code -Dbraid.chaos.seconds=N}
 * runs longer, {@code -Dbraid.chaos.jobs=N} submits more, {@code -Dbraid.chaos.seed=S} replays a schedule (each
 * run prints its seed; the schedule and the checker's report are written under {@code target/chaos/}).
 */
class ChaosSuiteTest {

    static final int DEFAULT_JOBS = 2000;
    static final int DEFAULT_SECONDS = 60;

    private static final int JOBS = Integer.getInteger("braid.chaos.jobs", DEFAULT_JOBS);
    private static final Duration FAULTS = Duration.ofSeconds(Long.getLong("braid.chaos.seconds", DEFAULT_SECONDS));
    private static final long SEED = Long.getLong("braid.chaos.seed", System.currentTimeMillis());

    @Test
    void every_job_has_one_right_result_while_brokers_orchestrators_and_workers_are_killed() throws Exception {
        Path dir = Path.of("target", "chaos", "seed-" + SEED).toAbsolutePath();
        System.out.printf("chaos suite: seed %d (-Dbraid.chaos.seed=%d replays it), %d jobs, %d s of faults; "
                + "logs in %s%n", SEED, SEED, JOBS, FAULTS.toSeconds(), dir);
        ClusterLayout layout = ClusterLayout.create(Files.createTempDirectory("braid-chaos-cluster"), 3, 0);
        Topics topics = Topics.defaults();
        try (ProcessCluster cluster = ProcessCluster.start(layout, dir.resolve("logs"), List.of("-Xmx512m",
                "-Dorg.slf4j.simpleLogger.log.kafka.server=info", "-Dorg.slf4j.simpleLogger.showDateTime=true"));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                     RegistryOptions.defaults(cluster.bootstrapServers()).withPort(0));
             ChaosFleet fleet = new ChaosFleet(cluster.bootstrapServers(), registry.url(), dir, 2, 4)) {
            fleet.startAll();
            Map<String, Map<String, Answer>> expected = new LinkedHashMap<>();
            List<JobRequest> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(KnownAnswerJobs.job(i));
                expected.put(KnownAnswerJobs.jobId(i), KnownAnswerJobs.answers(i));
            }
            ChaosSchedule schedule = new ChaosSchedule(SEED, cluster, fleet, topics, dir.resolve("schedule.txt"));
            AtomicInteger submitted = new AtomicInteger();
            Thread submitter = Thread.ofVirtual().start(() -> submitSteadily(fleet, topics, jobs,
                    FAULTS.multipliedBy(2).dividedBy(3), submitted));
            schedule.run(FAULTS);
            submitter.join(Duration.ofMinutes(3).toMillis());
            assertThat(submitted.get()).as("jobs submitted").isEqualTo(JOBS);
            schedule.restoreAll();

            SchemaRegistryClient registryClient = new SchemaRegistryClient(registry.url());
            try {
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> results(fleet, topics, registryClient).stream().filter(r -> r.getRound() == 1)
                                .map(JobResult::getJobId).distinct().count() >= JOBS);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("chaos suite: not every job had a result within 4 minutes; checking what came");
            }
            // A late duplicate or dead letter must not slip past: read once the topics have stopped growing.
            EndOffsets.awaitSettled(fleet.bootstrapServers(), List.of(topics.jobResults(), topics.jobsDeadLetter(),
                    topics.tasksDeadLetter(), topics.aggregatorDeadLetter()), Duration.ofSeconds(5));
            ResultChecker.Report report = ResultChecker.check(expected, results(fleet, topics, registryClient),
                    deadLetters(fleet, topics));
            Files.writeString(dir.resolve("report.txt"), report.summary() + "\n" + schedule.describe());
            System.out.println("chaos suite: " + report.summary());
            assertThat(schedule.faults()).as("faults injected").isGreaterThanOrEqualTo(3);
            assertThat(report.ok()).as("seed %d: %s", SEED, report.summary()).isTrue();
        }
    }

    /** Submits {@code jobs} evenly over {@code over}: a steady rate, so faults hit jobs at every stage. */
    private static void submitSteadily(ChaosFleet fleet, Topics topics, List<JobRequest> jobs, Duration over,
                                       AtomicInteger submitted) {
        long start = System.nanoTime();
        try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), topics)) {
            for (int i = 0; i < jobs.size(); i++) {
                long due = start + over.toNanos() * i / jobs.size();
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    Thread.sleep(Duration.ofNanos(ahead)); // the submission rate, not a wait for a condition
                }
                client.submit(jobs.get(i));
                submitted.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<JobResult> results(ChaosFleet fleet, Topics topics, SchemaRegistryClient registry) {
        return TestKafka.readAll(fleet.bootstrapServers(), topics.jobResults(),
                new AvroDeserializer<>(registry, JobResult.class)).stream().map(ConsumerRecord::value).toList();
    }

    /** Every record of the three dead-letter topics, with the job it names (its key) and its headers. */
    private static List<DeadLetter> deadLetters(ChaosFleet fleet, Topics topics) {
        List<DeadLetter> letters = new ArrayList<>();
        for (String topic : List.of(topics.jobsDeadLetter(), topics.tasksDeadLetter(), topics.aggregatorDeadLetter())) {
            for (ConsumerRecord<String, byte[]> record : TestKafka.readAll(fleet.bootstrapServers(), topic,
                    new ByteArrayDeserializer())) {
                String headers = StreamSupport.stream(record.headers().spliterator(), false)
                        .map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining(", "));
                letters.add(new DeadLetter(topic, record.key(), headers));
            }
        }
        return letters;
    }
}
