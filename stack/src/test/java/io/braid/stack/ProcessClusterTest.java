package io.braid.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three Kafka nodes, each a process of its own: topics are replicated 3 times with 2 in sync, and the cluster keeps
 * taking acks=all writes while the leader of a partition is killed with SIGKILL, and takes it back on its data.
 */
class ProcessClusterTest {

    @TempDir
    Path dir;

    @Test
    void three_nodes_replicate_and_survive_the_leader_killed() throws Exception {
        ClusterLayout layout = ClusterLayout.create(dir.resolve("cluster"), 3, 0);
        try (ProcessCluster cluster = ProcessCluster.start(layout, Path.of("target", "cluster-logs"), List.of("-Xmx384m", "-Dorg.slf4j.simpleLogger.log.kafka=info", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info", "-Dorg.slf4j.simpleLogger.showDateTime=true"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic("replicated", 1, (short) -1))).all().get(30, TimeUnit.SECONDS);
            TopicDescription topic = admin.describeTopics(List.of("replicated")).allTopicNames().get()
                    .get("replicated");
            assertThat(topic.partitions().get(0).replicas()).hasSize(3);
            String minInSync = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    "replicated"))).all().get().values().iterator().next().get("min.insync.replicas").value();
            assertThat(minInSync).isEqualTo("2");
            producer.send(new ProducerRecord<>("replicated", "before")).get(30, TimeUnit.SECONDS);

            int leader = cluster.leaderOf(new TopicPartition("replicated", 0)).orElseThrow();
            cluster.kill(leader);
            assertThat(cluster.isRunning(leader)).isFalse();
            producer.send(new ProducerRecord<>("replicated", "while a node is down")).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.leaderOf(
                    new TopicPartition("replicated", 0)).filter(now -> now != leader).isPresent());

            cluster.restart(leader);
            assertThat(cluster.isRunning(leader)).isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeTopics(List.of("replicated"))
                    .allTopicNames().get().get("replicated").partitions().get(0).isr().size() == 3);
        }
    }

    @Test
    void a_layout_out_of_range_is_refused_naming_the_setting() {
        assertThatThrownBy(() -> ClusterLayout.create(dir, 0, 0)).hasMessageContaining("--brokers 0 is out of range");
        assertThatThrownBy(() -> ClusterLayout.create(dir, 3, 65000)).hasMessageContaining("port 65000 leaves no room");
        ClusterLayout fixed = ClusterLayout.create(dir, 3, 19092);
        assertThat(fixed.bootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094");
        assertThat(fixed.voters()).isEqualTo("1@127.0.0.1:20092,2@127.0.0.1:20093,3@127.0.0.1:20094");
        assertThat(ClusterLayout.create(dir, 3, 19092).clusterId()).isEqualTo(fixed.clusterId());
    }
}
