package io.braid.cli.security;

import io.braid.schema.GroupIds;

import io.braid.cli.Main;
import io.braid.cli.acls.RoleAcls;
import io.braid.cli.security.SecuredFleet.Outcome;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.TaskBacklog;
import io.braid.schema.Topics;
import io.braid.testing.SecureTestKafka;
import io.braid.testing.SecureTestKafka.User;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With the broker enforcing ACLs ({@code StandardAuthorizer}), each of Braid's components runs as its own principal
 * holding only the ACLs {@code deploy/acls/create-acls.sh} created for its role: a job is submitted, run and joined;
 * the submitter cannot take tasks, forge results or send control commands, which the operator can.
 */
class LeastPrivilegeTest {

    private static final Topics TOPICS = Topics.defaults();
    private static final Path CREATE_ACLS = Path.of("..", "deploy", "acls", "create-acls.sh").toAbsolutePath()
            .normalize();

    private static SecureTestKafka kafka;
    private static String registryUrl;
    private static User submitter;
    private static User operator;
    private static User worker;
    private static User orchestrator;
    private static Orchestrator orchestratorProcess;
    private static Worker workerProcess;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startWithEachRoleItsAcls() throws Exception {
        kafka = SecureTestKafka.start(true, Map.of());
        User registry = kafka.addScramUser("registry", "registry-secret", "SCRAM-SHA-512");
        orchestrator = kafka.addScramUser("orchestrator", "orchestrator-secret", "SCRAM-SHA-512");
        worker = kafka.addScramUser("worker", "worker-secret", "SCRAM-SHA-512");
        submitter = kafka.addScramUser("submitter", "submitter-secret", "SCRAM-SHA-512");
        operator = kafka.addScramUser("operator", "operator-secret", "SCRAM-SHA-512");
        grantWithTheDeployScript(List.of(registry, orchestrator, worker, submitter, operator));
        registryUrl = kafka.startRegistry(registry);
        orchestratorProcess = kafka.closeWithBroker(SecuredFleet.orchestrator(kafka, registryUrl, orchestrator,
                dir.resolve("state")));
        workerProcess = kafka.closeWithBroker(SecuredFleet.worker(kafka, registryUrl, worker));
    }

    /**
     * {@code deploy/acls/create-acls.sh ROLE=User:NAME…} as the administrator, each user playing the role of its
     * name, with this JVM's braid; then waits until the broker holds every ACL.
     */
    private static void grantWithTheDeployScript(List<User> users) throws Exception {
        Path braid = dir.resolve("braid");
        Files.writeString(braid, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
        braid.toFile().setExecutable(true);
        List<String> command = new ArrayList<>(List.of(CREATE_ACLS.toString()));
        users.forEach(user -> command.add(user.name() + "=User:" + user.name()));
        ProcessBuilder script = new ProcessBuilder(command).redirectErrorStream(true);
        script.environment().putAll(Map.of("BRAID", braid.toString(), "BRAID_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(), "BRAID_KAFKA_PROPERTIES", kafka.propertiesFile(kafka.admin()).toString()));
        Process process = script.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Created 6 ACLs for User:submitter as submitter.");
        try (Admin admin = Admin.create(kafka.connection(kafka.admin()).config(Map.of()))) {
            for (User user : users) {
                String principal = "User:" + user.name();
                int expected = RoleAcls.defaults(TOPICS).bindings(RoleAcls.Role.named(user.name()), principal).size();
                AclBindingFilter theirs = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                        principal, null, AclOperation.ANY, AclPermissionType.ANY));
                await("ACLs of " + principal).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> admin.describeAcls(theirs).values().get(10, TimeUnit.SECONDS).size() == expected);
            }
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
        // every client of the worker (share consumer, control listener, producer) and of the orchestrator works
        assertThat(workerProcess.health().problem()).isNull();
        assertThat(workerProcess.health().live()).isTrue();
        assertThat(orchestratorProcess.isRunning()).isTrue();
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
    void only_the_orchestrator_writes_tenant_slots_and_grants() {
        for (User user : List.of(submitter, operator, worker)) {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.connection(user).config(
                    Map.of("max.block.ms", 10_000)), new StringSerializer(), new ByteArraySerializer())) {
                for (String topic : List.of(TOPICS.tenantSlots(), TOPICS.tenantGrants())) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "forged", new byte[] {0}))
                            .get(10, TimeUnit.SECONDS)).as(user + " writing " + topic)
                            .isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(TopicAuthorizationException.class);
                }
            }
        }
    }

    @Test
    void the_worker_publishes_its_status_for_the_orchestrator_and_the_submitter_cannot_forge_one() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.connection(orchestrator).config(
                Map.of()), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPICS.workers()).stream()
                    .map(p -> new TopicPartition(TOPICS.workers(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<String> keys = new ArrayList<>();
            await("the worker's status").atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> keys.add(record.key()));
                return keys.contains(workerProcess.workerId());
            });
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.connection(submitter).config(
                Map.of("max.block.ms", 10_000)), new StringSerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPICS.workers(), "forged", new byte[] {0}))
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

    @Test
    void the_orchestrator_measures_the_workers_backlog_which_the_submitter_cannot() throws Exception {
        TaskBacklog.Measurement backlog = TaskBacklog.measureOnce(kafka.connection(orchestrator), TOPICS.tasks(),
                GroupIds.WORKERS, Clock.systemUTC());
        assertThat(backlog.total()).isNotNegative();

        assertThatThrownBy(() -> TaskBacklog.measureOnce(kafka.connection(submitter), TOPICS.tasks(),
                GroupIds.WORKERS, Clock.systemUTC()))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    }
}
