package io.braid.bench.internal;

import io.braid.stack.EmbeddedStack;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.JoinSettings;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchRef;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import io.braid.schema.JobManifest;
import io.braid.schema.Topics;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * {@code braid bench aggregator}: the join alone, on the embedded broker — manifests and branch results written
 * straight to its input topics, no dispatcher, no workers. Measures how fast it joins, and what its state costs
 * with many finished jobs held and after their retention passed: jobs held, JVM heap (after GC, against a
 * baseline taken before the load, broker included in the same JVM) and the changelog's bytes on disk.
 */
public final class AggregatorBenchmark {

    /** Figures of one run. */
    public record Figures(int jobs, int branchesPerJob, double jobsPerSecond, long heldAfterLoad,
                          long heapDeltaAfterLoadMiB, long changelogBytesAfterLoad, long heldAfterRetention,
                          long heapDeltaAfterRetentionMiB, long changelogBytesAfterRetention) {
    }

    private final PrintStream out;

    public AggregatorBenchmark(PrintStream out) {
        this.out = out;
    }

    public Figures run(int jobs, int branchesPerJob, Duration retention) throws Exception {
        Path dir = Files.createTempDirectory("braid-bench-aggregator");
        Topics topics = Topics.defaults();
        try (EmbeddedStack stack = EmbeddedStack.start(dir.resolve("kafka"), 0, 0);
             Orchestrator orchestrator = Orchestrator.start(OrchestratorOptions
                     .builder(stack.bootstrapServers(), stack.registryUrl())
                     .partitions(3).instanceId("bench").stateDir(dir.resolve("aggregator"))
                     // orphan results (before their manifest) are kept long: only finished jobs should expire
                     .join(new JoinSettings(Duration.ofHours(1), retention, Duration.ofHours(1),
                             Duration.ofSeconds(1)))
                     .build())) {
            orchestrator.awaitRunning(Duration.ofSeconds(60));
            long baseline = heapAfterGc();
            out.printf("  joining %,d jobs of %d branches...%n", jobs, branchesPerJob);
            double rate;
            try (RecordCounter results = new RecordCounter(stack.bootstrapServers(), topics.jobResults())) {
                long start = System.nanoTime();
                publish(stack, topics, jobs, branchesPerJob);
                long end = results.awaitCount(jobs, Duration.ofMinutes(10), () -> { });
                rate = jobs / ((end - start) / 1e9);
            }
            long heldAfterLoad = orchestrator.heldJobs();
            long heapAfterLoad = heapAfterGc() - baseline;
            long diskAfterLoad = changelogBytes(stack.bootstrapServers());
            out.printf("  %,.0f jobs/s; %,d jobs held, heap +%d MiB, changelog %,d bytes%n", rate, heldAfterLoad,
                    heapAfterLoad >> 20, diskAfterLoad);

            out.printf("  waiting for the %d s retention to pass...%n", retention.toSeconds());
            Waits.until(retention.plusSeconds(60), () -> orchestrator.heldJobs() == 0);
            long heldAfterRetention = orchestrator.heldJobs();
            long heapAfterRetention = heapAfterGc() - baseline;
            long diskAfterRetention = changelogBytes(stack.bootstrapServers());
            out.printf("  after retention: %,d jobs held, heap +%d MiB, changelog %,d bytes%n", heldAfterRetention,
                    heapAfterRetention >> 20, diskAfterRetention);
            return new Figures(jobs, branchesPerJob, rate, heldAfterLoad, heapAfterLoad >> 20, diskAfterLoad,
                    heldAfterRetention, heapAfterRetention >> 20, diskAfterRetention);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void publish(EmbeddedStack stack, Topics topics, int jobs, int branchesPerJob) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(new SchemaRegistryClient(stack.registryUrl()));
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < jobs; i++) {
                String jobId = "bench-job-" + i;
                List<BranchRef> branches = java.util.stream.IntStream.range(0, branchesPerJob)
                        .mapToObj(b -> new BranchRef("b" + b, BranchKind.LLM)).toList();
                JobManifest manifest = JobManifest.newBuilder().setJobId(jobId).setSubmittedAt(now)
                        .setDispatchedAt(now).setBranches(branches).build();
                producer.send(new ProducerRecord<>(topics.manifests(), jobId,
                        serializer.serialize(topics.manifests(), manifest)));
                for (BranchRef branch : branches) {
                    BranchResult result = BranchResult.newBuilder().setJobId(jobId).setBranchId(branch.getBranchId())
                            .setStatus(BranchStatus.SUCCEEDED).setOutput("output of " + branch.getBranchId()
                                    + " of " + jobId + ": a short answer of some sixty characters.")
                            .setAttempt(1).setWorkerId("bench").setStartedAt(now).setFinishedAt(now).build();
                    producer.send(new ProducerRecord<>(topics.results(), jobId,
                            serializer.serialize(topics.results(), result)));
                }
            }
        }
    }

    /** Bytes on disk of the join store's changelog partitions. */
    private static long changelogBytes(String bootstrapServers) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            long bytes = 0;
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(List.of(1)).allDescriptions().get()
                    .values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                        if (replica.getKey().topic().contains("job-join-state-changelog")) {
                            bytes += replica.getValue().size();
                        }
                    }
                }
            }
            return bytes;
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
