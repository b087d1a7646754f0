package io.braid.cli.security;

import io.braid.cli.acls.RoleAcls;
import io.braid.cli.security.SecuredFleet.Outcome;
import io.braid.schema.Topics;
import io.braid.testing.SecureTestKafka;
import io.braid.testing.SecureTestKafka.User;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.braid.cli.security.SecuredFleet.braid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With the broker enforcing ACLs ({@code StandardAuthorizer}), each of Braid's components runs as its own principal
 * holding only the ACLs {@code braid acls ROLE --apply} created for its role: a job is submitted, run and joined;
 * the submitter cannot take tasks, forge results or send control commands, which the operator can.
 */
class LeastPrivilegeTest {

    private static final Topics TOPICS = Topics.defaults();

    private static SecureTestKafka kafka;
    private static String registryUrl;
    private static User submitter;
    private static User operator;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startWithEachRoleItsAcls() {
        kafka = SecureTestKafka.start(true, Map.of());
        User registry = kafka.addScramUser("registry", "registry-secret", "SCRAM-SHA-512");
        User orchestrator = kafka.addScramUser("orchestrator", "orchestrator-secret", "SCRAM-SHA-512");
        User worker = kafka.addScramUser("worker", "worker-secret", "SCRAM-SHA-512");
        submitter = kafka.addScramUser("submitter", "submitter-secret", "SCRAM-SHA-512");
        operator = kafka.addScramUser("operator", "operator-secret", "SCRAM-SHA-512");
        for (User user : List.of(registry, orchestrator, worker, submitter, operator)) {
            grant(user.name(), "User:" + user.name());
        }
        registryUrl = kafka.startRegistry(registry);
        kafka.closeWithBroker(SecuredFleet.orchestrator(kafka, registryUrl, orchestrator, dir.resolve("state")));
        kafka.closeWithBroker(SecuredFleet.worker(kafka, registryUrl, worker));
    }

    /** {@code braid acls ROLE --principal P --apply} as the administrator; waits until the broker enforces them. */
    private static void grant(String role, String principal) {
        Outcome applied = braid("acls", role, "--principal", principal, "--apply", "--bootstrap-servers",
                kafka.bootstrapServers(), "--kafka-properties", kafka.propertiesFile(kafka.admin()).toString());
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        int expected = RoleAcls.defaults(TOPICS).bindings(RoleAcls.Role.named(role), principal).size();
        AclBindingFilter mine = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                principal, null, AclOperation.ANY, AclPermissionType.ANY));
        try (Admin admin = Admin.create(kafka.connection(kafka.admin()).config(Map.of()))) {
            await("ACLs of " + principal).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.describeAcls(mine).values().get(10, TimeUnit.SECONDS).size() == expected);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Outcome as(User user, String... args) {
        return SecuredFleet.braidAs(kafka, registryUrl, user, args);
    }

    @Test
    void the_submitter_submits_a_job_and_reads_its_result() {
        Outcome submit = as(submitter, "submit", SecuredFleet.jobFile(dir, "least-privilege").toString());
        assertThat(submit.exitCode()).as(submit.err()).isZero();

        Outcome result = as(submitter, "result", "least-privilege", "--timeout", "60s",
                "--orchestrator-url", "http://127.0.0.1:9");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Job least-privilege: SUCCEEDED");
    }

    @Test
    void the_submitter_cannot_read_tasks() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.connection(submitter).config(Map.of()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TOPICS.tasks(), 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(TOPICS.tasks());
        }
    }

    @Test
    void the_submitter_cannot_write_results() {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.connection(submitter).config(
                Map.of("max.block.ms", 10_000)), new StringSerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPICS.results(), "forged", new byte[] {0}))
                    .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void control_commands_are_the_operators_not_the_submitters() {
        Outcome refused = as(submitter, "cancel", "least-privilege-cancel");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("Not authorized to access topics: [" + TOPICS.control() + "]",
                "braid acls ROLE --principal");

        Outcome cancelled = as(operator, "cancel", "least-privilege-cancel");
        assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
    }
}
