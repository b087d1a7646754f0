package io.braid.worker.internal;

import io.braid.schema.kafka.KafkaConnection;
import io.braid.worker.WorkerOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The worker's Kafka client settings, and the share group's configuration set when a worker starts. */
public final class KafkaClients {

    private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);

    private KafkaClients() {
    }

    /**
     * Share consumer {@code index} (from 0) of the worker: explicit acknowledgement, at most records-per-poll per
     * poll, the last consumer fewer when max in flight is not a multiple of it, so the worker never holds more.
     */
    public static Map<String, Object> consumerConfig(WorkerOptions options, int index) {
        Map<String, Object> config = options.kafka().config(Map.of());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, options.workerId() + "-" + index);
        config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        // Acquire at most max.poll.records per poll, so records spread over all workers instead of one
        // consumer taking a whole batch on a quiet topic.
        config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1,
                Math.min(options.recordsPerPoll(), options.maxInFlight() - index * options.recordsPerPoll())));
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, options.recordLockDuration().toMillis() + 60_000));
        return config;
    }

    /** The control topic's reader: no group, committed records only. */
    public static Map<String, Object> controlConsumerConfig(WorkerOptions options) {
        Map<String, Object> config = options.kafka().config(Map.of());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, options.workerId() + "-control");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    /** {@code max.request.size} from {@link WorkerOptions#recordLimits()}: a dead letter carrying a task fits. */
    public static Map<String, Object> producerConfig(WorkerOptions options) {
        Map<String, Object> config = options.kafka().config(options.recordLimits().producerConfig());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, options.workerId() + "-producer");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return config;
    }

    /**
     * Sets the share group's start offset (earliest: tasks written before the first worker joined are not lost),
     * its isolation level and its record lock duration (see {@link WorkerOptions}). Read committed: the dispatcher
     * writes a job's tasks in a transaction (and the aggregator a replay's), so a worker never runs the tasks of
     * an aborted fan-out, which the restarted dispatcher writes again, nor sees half a job's tasks early.
     */
    public static void configureShareGroup(WorkerOptions options) {
        io.braid.schema.kafka.KafkaVersion.shareConsumerWarning().ifPresent(log::warn);
        try (Admin admin = Admin.create(options.kafka().config(Map.of()))) {
            ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, options.groupId());
            List<AlterConfigOp> ops = List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.isolation.level", "read_committed"),
                            AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms",
                            Long.toString(options.recordLockDuration().toMillis())), AlterConfigOp.OpType.SET));
            admin.incrementalAlterConfigs(Map.of(group, ops)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot configure share group " + options.groupId() + ": "
                    + options.kafka().describe(e.getCause()) + (KafkaConnection.securityAdvice(e).isPresent() ? ""
                    : " (the broker needs share groups enabled, Kafka 4.2+, and a record lock no longer than its "
                    + "group.share.max.record.lock.duration.ms)"), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + options.bootstrapServers()
                    + " did not answer within 30 s; " + options.kafka().unreachableAdvice(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring the share group", e);
        }
    }
}
