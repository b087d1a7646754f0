import io.braid.stack.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reproduces, with plain Kafka clients and none of Braid's worker code, the delivery stall Braid's benchmark
 * found (docs/DESIGN.md, "the workers' share consumers"): a burst of 10,000 records into a fresh share group of 16
 * share consumers (explicit acknowledgement, record_limit, 64 records per poll, each record "worked" on a virtual
 * thread for up to 3 ms, one spare core kept busy) sometimes leaves hundreds of one partition's records acquired
 * and never delivered to any consumer until their record lock (5 min here) expires.
 *
 * <p>Rare: 1 stalled round in about 70 fresh-group rounds (35 of them a JVM's first) on a 2-core machine (Kafka
 * 4.2.2, embedded KRaft broker); Braid's fuller fleet hit it in 4 of 7 benchmark runs. Each round uses a new topic and group on the same broker and
 * reports the records acknowledged within 40 s, and, for a stalled one, the share-partition start offsets and
 * whether any consumer ever received the first unacknowledged record.
 *
 * <pre>
 *   mvn -q -B package -DskipTests          # once, for cli/target/lib
 *   java -cp 'cli/target/lib/*' bench/share-group-stall/ShareGroupStall.java [tx|plain] [read_uncommitted|read_committed] [rounds]
 * </pre>
 * Defaults: {@code tx read_uncommitted 3} (transactional writes of 50 ten-record "jobs", as Braid's dispatcher).
 */
public class ShareGroupStall {

    private static final int CONSUMERS = 16;
    private static final int RECORDS = 10_000;
    private static final int MAX_WORK_MICROS = 3_000;

    public static void main(String[] args) throws Exception {
        boolean transactional = args.length < 1 || args[0].equals("tx");
        String isolation = args.length > 1 ? args[1] : "read_uncommitted";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Thread.ofPlatform().daemon().start(ShareGroupStall::keepACoreBusy);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(
                Files.createTempDirectory("share-group-stall"), 0, Map.of()))) {
            for (int round = 0; round < rounds; round++) {
                runRound(broker.bootstrapServers(), round, transactional, isolation);
            }
        }
    }

    private static void runRound(String bootstrap, int round, boolean transactional, String isolation)
            throws Exception {
        String topic = "tasks" + round;
        String group = "workers" + round;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    set("share.auto.offset.reset", "earliest"),
                    set("share.isolation.level", isolation),
                    set("share.record.lock.duration.ms", "300000")))).all().get();
        }
        AtomicInteger acknowledged = new AtomicInteger();
        Map<Integer, Set<Long>> delivered = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
        List<Thread> loops = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            Map<String, Object> config = new HashMap<>();
            config.put("bootstrap.servers", bootstrap);
            config.put("group.id", group);
            config.put("client.id", "c" + c);
            config.put("share.acknowledgement.mode", "explicit");
            config.put("share.acquire.mode", "record_limit");
            config.put("max.poll.records", 64);
            KafkaShareConsumer<String, byte[]> consumer = new KafkaShareConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer());
            loops.add(Thread.ofPlatform().name("c" + c).start(
                    () -> consume(consumer, topic, work, running, acknowledged, delivered)));
        }
        awaitStable(bootstrap, group);

        long start = System.nanoTime();
        produce(bootstrap, topic, transactional ? "dispatcher" + round : null);
        long deadline = System.currentTimeMillis() + 40_000;
        while (acknowledged.get() < RECORDS && System.currentTimeMillis() < deadline) {
            Thread.sleep(50); // a reproduction's progress check, not a test
        }
        System.out.printf("round %d (%s, %s): %d of %d acknowledged in %.1f s%s%n", round,
                transactional ? "transactional" : "plain", isolation, acknowledged.get(), RECORDS,
                (System.nanoTime() - start) / 1e9, acknowledged.get() < RECORDS ? "  <-- STALL" : "");
        if (acknowledged.get() < RECORDS) {
            describeStall(bootstrap, group, delivered);
        }
        running.set(false);
        for (Thread loop : loops) {
            loop.join();
        }
        work.close();
    }

    /** Braid's worker loop in miniature: poll, work each record on a virtual thread, acknowledge as each finishes. */
    private static void consume(KafkaShareConsumer<String, byte[]> consumer, String topic, ExecutorService work,
                                AtomicBoolean running, AtomicInteger acknowledged,
                                Map<Integer, Set<Long>> delivered) {
        consumer.subscribe(List.of(topic));
        BlockingQueue<ConsumerRecord<String, byte[]>> done = new LinkedBlockingQueue<>();
        try {
            while (running.get()) {
                int pending = 0;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    pending++;
                    delivered.computeIfAbsent(record.partition(), p -> ConcurrentHashMap.newKeySet())
                            .add(record.offset());
                    work.execute(() -> {
                        simulateWork();
                        done.add(record);
                    });
                }
                while (pending > 0 && running.get()) {
                    ConsumerRecord<String, byte[]> finished = done.poll(250, TimeUnit.MILLISECONDS);
                    while (finished != null) {
                        consumer.acknowledge(finished, AcknowledgeType.ACCEPT);
                        pending--;
                        acknowledged.incrementAndGet();
                        finished = done.poll();
                    }
                    consumer.commitAsync();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static void produce(String bootstrap, String topic, String transactionalId) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("linger.ms", 1);
        if (transactionalId != null) {
            config.put("transactional.id", transactionalId);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            if (transactionalId != null) {
                producer.initTransactions();
            }
            for (int job = 0; job < RECORDS / 10; job++) {
                if (transactionalId != null && job % 50 == 0) {
                    producer.beginTransaction();
                }
                for (int branch = 0; branch < 10; branch++) {
                    producer.send(new ProducerRecord<>(topic, "job" + job, new byte[200]));
                }
                if (transactionalId != null && job % 50 == 49) {
                    producer.commitTransaction();
                }
            }
            producer.flush();
        }
    }

    private static void awaitStable(String bootstrap, String group) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                try {
                    ShareGroupDescription description = admin.describeShareGroups(List.of(group)).all().get()
                            .get(group);
                    if (description.groupState() == GroupState.STABLE && description.members().size() == CONSUMERS) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // the group does not exist until the first consumer's heartbeat
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("the share group " + group + " did not become stable in 60 s");
        }
    }

    private static void describeStall(String bootstrap, String group, Map<Integer, Set<Long>> delivered)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            ShareGroupDescription description = admin.describeShareGroups(List.of(group)).all().get().get(group);
            System.out.println("  group " + description.groupState() + ", " + description.members().size()
                    + " members");
            var offsets = admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
                    .partitionsToOffsetInfo(group).get();
            offsets.forEach((partition, info) -> System.out.println("  " + partition + ": start offset "
                    + info.startOffset() + ", lag " + info.lag().orElse(-1L) + "; start offset ever delivered: "
                    + delivered.getOrDefault(partition.partition(), Set.of()).contains(info.startOffset())));
        }
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    private static void simulateWork() {
        try {
            Thread.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(MAX_WORK_MICROS * 1_000L)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void keepACoreBusy() {
        long sink = 0;
        while (true) {
            sink += System.nanoTime() % 7;
        }
    }
}
