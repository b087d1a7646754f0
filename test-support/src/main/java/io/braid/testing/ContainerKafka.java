package io.braid.testing;

import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.schema.kafka.KafkaConnection;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link BraidKafka}'s container side: the only class that names Testcontainers, loaded only when it is on the class
 * path. The broker gets the settings Braid's in-process broker has (share groups with short heartbeats, a record
 * lock of up to an hour, single-replica internal topics).
 */
final class ContainerKafka {

    private ContainerKafka() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** {@code apache/kafka} at the version of the Kafka clients on the class path. */
    static String defaultImage() {
        return "apache/kafka:" + io.braid.schema.kafka.KafkaVersion.clients().orElse("latest");
    }

    @SuppressWarnings("resource") // closed by the returned BraidKafka
    static BraidKafka start(String image) {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(image))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_SHARE_MIN_HEARTBEAT_INTERVAL_MS", "100")
                .withEnv("KAFKA_GROUP_SHARE_HEARTBEAT_INTERVAL_MS", "500")
                .withEnv("KAFKA_GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS", "1000")
                .withEnv("KAFKA_GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS", "3600000");
        kafka.start();
        EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(RegistryOptions.defaults(
                    KafkaConnection.plain(kafka.getBootstrapServers())).withPort(0));
        } catch (RuntimeException e) {
            kafka.stop();
            throw e;
        }
        return new BraidKafka(BraidKafka.Mode.CONTAINER, kafka.getBootstrapServers(), registry.url(), () -> {
            registry.close();
            kafka.stop();
        });
    }
}
