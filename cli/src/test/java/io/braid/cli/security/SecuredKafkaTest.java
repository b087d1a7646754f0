package io.braid.cli.security;

import io.braid.cli.security.SecuredFleet.Outcome;
import io.braid.orchestrator.Orchestrator;
import io.braid.registry.EmbeddedSchemaRegistry;
import io.braid.registry.RegistryOptions;
import io.braid.schema.kafka.KafkaConnection;
import io.braid.testing.SecureTestKafka;
import io.braid.testing.SecureTestKafka.User;
import io.braid.testing.TestCertificates;
import io.braid.worker.Worker;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.braid.cli.security.SecuredFleet.braid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every Kafka client of Braid over TLS and SASL, from one client properties file each: a broker whose only client
 * listener is SASL_SSL; the registry's store logs in with SASL/PLAIN, the orchestrator with SCRAM-SHA-512, the
 * worker with SCRAM-SHA-256, the CLI's commands with SCRAM-SHA-512 through {@code --kafka-properties}. A wrong
 * password is refused at once, naming the setting to fix.
 */
class SecuredKafkaTest {

    private static final String REGISTRY_PASSWORD = "registry \"quoted\" \\ secret";

    private static SecureTestKafka kafka;
    private static String registryUrl;
    private static User submitter;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSecuredFleet() {
        kafka = SecureTestKafka.start(false, Map.of("registry", REGISTRY_PASSWORD));
        registryUrl = kafka.startRegistry(kafka.plainUser("registry", REGISTRY_PASSWORD));
        User orchestrator = kafka.addScramUser("orchestrator", "orchestrator-secret", "SCRAM-SHA-512");
        User worker = kafka.addScramUser("worker", "worker-secret", "SCRAM-SHA-256");
        submitter = kafka.addScramUser("submitter", "submitter-secret", "SCRAM-SHA-512");
        kafka.closeWithBroker(SecuredFleet.orchestrator(kafka, registryUrl, orchestrator, dir.resolve("state")));
        kafka.closeWithBroker(SecuredFleet.worker(kafka, registryUrl, worker));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Outcome asSubmitter(String... args) {
        return SecuredFleet.braidAs(kafka, registryUrl, submitter, args);
    }

    @Test
    void braid_run_submits_and_joins_a_job_over_tls_and_scram() {
        Outcome run = asSubmitter("run", SecuredFleet.jobFile(dir, "secured-run").toString(), "--timeout", "60s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Job secured-run: SUCCEEDED");
    }

    @Test
    void submit_result_dlq_and_replay_read_and_write_over_tls_and_scram() {
        Outcome submit = asSubmitter("submit", SecuredFleet.jobFile(dir, "secured-submit").toString());
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        assertThat(submit.out()).contains("secured-submit");

        Outcome result = asSubmitter("result", "secured-submit", "--timeout", "60s",
                "--orchestrator-url", "http://127.0.0.1:9");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("SUCCEEDED");

        Outcome deadLetters = asSubmitter("dlq", "list", "--since", "1h");
        assertThat(deadLetters.exitCode()).as(deadLetters.err()).isZero();
        assertThat(deadLetters.out()).contains("No dead-lettered branches");

        Outcome replay = asSubmitter("replay", "--job", "secured-submit");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("secured-submit: nothing done:");
    }

    @Test
    void a_wrong_password_is_refused_at_once_naming_the_setting() {
        User impostor = new User(submitter.name(), "not-the-password", submitter.mechanism());
        String wrong = kafka.propertiesFile(impostor).toString();

        Outcome submit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> braid("submit",
                SecuredFleet.jobFile(dir, "never-sent").toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--registry-url", registryUrl, "--kafka-properties", wrong));
        assertThat(submit.exitCode()).isEqualTo(1);
        assertThat(submit.err()).contains("Authentication failed", "check the user name and password in "
                + "sasl.jaas.config", "--kafka-properties");

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> Orchestrator.start(
                SecuredFleet.orchestratorOptions(kafka, registryUrl, impostor, dir.resolve("impostor"))))
                .hasMessageContaining("Authentication failed").hasMessageContaining("sasl.jaas.config"));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> Worker.start(
                SecuredFleet.workerOptions(kafka, registryUrl, impostor)))
                .hasMessageContaining("Authentication failed").hasMessageContaining("sasl.jaas.config"));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(
                RegistryOptions.defaults(kafka.connection(impostor)).withPort(0)))
                .hasMessageContaining("Authentication failed").hasMessageContaining("sasl.jaas.config"));
    }

    @Test
    void a_broker_certificate_the_trust_store_does_not_hold_is_refused_naming_the_trust_store() throws Exception {
        TestCertificates other = TestCertificates.create(Files.createDirectory(dir.resolve("other-ca")));
        Map<String, String> properties = new java.util.TreeMap<>(kafka.clientProperties(submitter));
        properties.put("ssl.truststore.location", other.trustStore().toString());
        properties.put("ssl.truststore.password", other.password());
        Path file = kafka.propertiesFile("other-ca", properties);

        Outcome submit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> braid("submit",
                SecuredFleet.jobFile(dir, "never-trusted").toString(), "--bootstrap-servers",
                kafka.bootstrapServers(), "--registry-url", registryUrl, "--kafka-properties", file.toString()));
        assertThat(submit.exitCode()).isEqualTo(1);
        assertThat(submit.err()).contains("SSL handshake failed", "check ssl.truststore.location");
    }

    @Test
    void a_plain_text_client_gets_no_answer_and_is_asked_about_security_protocol() {
        KafkaConnection plain = KafkaConnection.plain(kafka.bootstrapServers());
        try (Admin admin = Admin.create(plain.config(Map.of("default.api.timeout.ms", 3000,
                "request.timeout.ms", 2000)))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .satisfies(e -> assertThat(plain.describe(e.getCause())).endsWith(
                            "is security.protocol (PLAINTEXT) the protocol of its listener (--kafka-properties)?"));
        }
    }
}
