package io.braid.schema.kafka;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client properties for a secured Kafka: read from a file, given to every client, never shown. */
class KafkaConnectionTest {

    @Test
    void propertiesFromTheFileGoToEveryClientUnderBraidsOwnSettings(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("kafka.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="braid" password="s3cret";
                ssl.truststore.location=/etc/braid/tls/truststore.p12
                acks=1
                """);
        KafkaConnection kafka = new KafkaConnection("kafka:9093", KafkaConnection.loadProperties(file));

        Map<String, Object> producer = kafka.config(Map.of("acks", "all"));

        assertThat(producer).containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("acks", "all");
        assertThat(kafka.toString()).contains("sasl.jaas.config").doesNotContain("s3cret");
    }

    @Test
    void secretsComeFromTheEnvironmentNotTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("kafka.properties"), "sasl.jaas.config=org.apache.kafka.common."
                + "security.plain.PlainLoginModule required username=\"${env:SASL_USER}\" password=\"${env:SASL_PASS}\";\n");

        Map<String, String> loaded = KafkaConnection.loadProperties(file,
                Map.of("SASL_USER", "braid", "SASL_PASS", "p$w\\d")::get);

        assertThat(loaded.get("sasl.jaas.config")).endsWith("username=\"braid\" password=\"p$w\\d\";");
        assertThatThrownBy(() -> KafkaConnection.loadProperties(file, Map.of("SASL_USER", "braid")::get))
                .hasMessageContaining("refers to the environment variable SASL_PASS, which is not set");
    }

    @Test
    void settingsBraidOwnsAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("kafka.properties"), "bootstrap.servers=elsewhere:9092\n");

        assertThatThrownBy(() -> KafkaConnection.loadProperties(file))
                .hasMessageContaining("'bootstrap.servers' is set by Braid itself; use --bootstrap-servers");
        assertThatThrownBy(() -> KafkaConnection.loadProperties(dir.resolve("none.properties")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aSecurityFailureNamesTheSettingToFix() {
        KafkaConnection kafka = new KafkaConnection("kafka:9093", Map.of("security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"alice\" password=\"wrong\";"));

        assertThat(kafka.describe(new ExecutionException(new SaslAuthenticationException("Authentication failed"))))
                .startsWith("Kafka at kafka:9093: ").contains("check the user name and password in sasl.jaas.config")
                .doesNotContain("wrong");
        assertThat(kafka.describe(new SslAuthenticationException("SSL handshake failed")))
                .contains("ssl.truststore.location");
        assertThat(kafka.describe(new TopicAuthorizationException("Not authorized to access topics: [braid.tasks].")))
                .contains("[braid.tasks]; User:alice (sasl.jaas.config in --kafka-properties) lacks an ACL",
                        "braid acls");
        assertThat(kafka.describe(new TimeoutException("Topic braid.jobs not present in metadata after 30000 ms.")))
                .endsWith("is security.protocol (SASL_SSL) the protocol of its listener (--kafka-properties)?");
        assertThat(KafkaConnection.securityAdvice(new IllegalStateException("other"))).isEmpty();
    }
}
