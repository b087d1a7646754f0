package io.braid.cli.hostile;

import io.braid.schema.DeadLetterHeaders;

import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchResult;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import static io.braid.cli.hostile.HostileRecords.branches;
import static io.braid.cli.hostile.HostileRecords.childBranch;
import static io.braid.cli.hostile.HostileRecords.job;
import static io.braid.cli.hostile.HostileRecords.llmBranch;
import static io.braid.cli.hostile.HostileRecords.nested;
import static io.braid.cli.hostile.HostileRecords.quoted;
import static io.braid.cli.hostile.HostileRecords.toolBranch;
import static io.braid.cli.hostile.HostileRecords.toolJob;
import static io.braid.cli.hostile.HostileRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An attacker with nothing but a Kafka producer, against a real broker, orchestrator and worker: every hostile
 * record is answered (a dead letter with its reason; a FAILED result where the record names a job id a client may
 * use), the aggregator keeps running, a valid job submitted after the attacks completes, and the victims' results —
 * jobs running while the attacks land — are exactly what they would have been.
 */
class HostileInputTest {

    /** A hostile job record: its key and bytes, the dead letter's class and words, and whether it gets a result. */
    private record Attack(String key, byte[] value, String errorClass, String reason, boolean answered) {
    }

    /** A refusal expected on the aggregator's dead-letter topic. */
    private record Refused(String key, String errorClass, String reason) {
    }

    private static LocalFleet fleet;
    private static KafkaProducer<String, byte[]> raw;
    private static AvroSerializer<SpecificRecord> avro;

    @BeforeAll
    static void startFleet() {
        // --max-branches 1000 (the default is 10,000): the branch-product attack multiplies past it cheaply
        fleet = LocalFleet.start(1, w -> w.simulatedLatency(Duration.ofMillis(1500), Duration.ofMillis(1500)),
                o -> o.maxBranches(1000)).awaitReady(Duration.ofSeconds(60));
        raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024), new StringSerializer(),
                new ByteArraySerializer());
        avro = new AvroSerializer<>(new SchemaRegistryClient(fleet.registryUrl()));
    }

    @AfterAll
    static void stopFleet() {
        raw.close();
        fleet.close();
    }

    private static void send(String topic, String key, byte[] value) {
        try {
            raw.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("cannot send to " + topic, e);
        }
    }

    private static void sendAvro(String topic, String key, SpecificRecord value) {
        send(topic, key, avro.serialize(topic, value));
    }

    private static List<Attack> jobRecordAttacks() {
        return List.of(
                new Attack("atk-parent", job("atk-parent", ", \"parentJobId\": \"victim-1\", \"metadata\": "
                        + "{\"braid.parent.branchId\": \"b1\", \"braid.parent.round\": \"x\"}, \"branches\": ["
                        + toolBranch("b1") + "]"), "InvalidJob", "parentJobId is set by Braid", true),
                new Attack("atk-parent-round", job("atk-parent-round", ", \"parentJobId\": \"victim-2\", "
                        + "\"metadata\": {\"braid.parent.branchId\": \"b1\", \"braid.parent.round\": \"1\"}, "
                        + "\"branches\": [" + toolBranch("b1") + "]"), "InvalidJob", "parentJobId is set by Braid",
                        true),
                new Attack("atk-reserved", job("atk-reserved", ", \"metadata\": {\"braid.anything\": \"x\"}, "
                        + "\"branches\": [" + toolBranch("b1") + "]"), "InvalidJob", "metadata.braid.anything", true),
                new Attack("victim-1/kid", toolJob("victim-1/kid"), "InvalidJob", "contains '/'", false),
                new Attack("atk-rtl", toolJob("atk\u202Eevil"), "InvalidJob", "U+202E", false),
                new Attack("atk-zero-width", toolJob("victim\u200B-1"), "InvalidJob", "U+200B", false),
                new Attack("atk-long", toolJob("x".repeat(300)), "InvalidJob", "the limit is 200", false),
                new Attack("atk-branch-slash", job("atk-branch-slash", ", \"branches\": [" + toolBranch("a/b") + "]"),
                        "InvalidJob", "branches[0].branchId 'a/b' contains '/'", true),
                new Attack("atk-branch-at", job("atk-branch-at", ", \"branches\": [" + toolBranch("a@2") + "]"),
                        "InvalidJob", "contains '@'", true),
                new Attack("atk-child-parent", job("atk-child-parent", ", \"branches\": [" + childBranch("k",
                        ", \"parentJobId\": \"victim-1\"") + "]"), "InvalidJob", "'job' sets parentJobId", true),
                new Attack("atk-child-meta", job("atk-child-meta", ", \"branches\": [" + childBranch("k",
                        ", \"metadata\": {\"braid.parent.branchId\": \"b1\"}") + "]"), "InvalidJob",
                        "metadata.braid.parent.branchId", true),
                new Attack("atk-deep-nesting", job("atk-deep-nesting", ", " + nested(6)), "InvalidJob",
                        "nest deeper than", true),
                new Attack("atk-branch-product", job("atk-branch-product", ", \"branches\": [" + java.util.stream
                        .IntStream.range(0, 10).mapToObj(i -> "{\"branchId\": \"k" + i + "\", \"kind\": \"JOB\", "
                                + "\"job\": {\"branches\": " + branches(200) + "}}")
                        .collect(Collectors.joining(", ")) + "]"), "InvalidJob", "branches together", true),
                new Attack("atk-amplify", job("atk-amplify", ", \"inputs\": {\"big\": " + quoted("x".repeat(150_000))
                        + "}, \"branches\": " + branches(500)), "TooLarge", "--max-fan-out-bytes", true),
                new Attack("atk-lone-magic", new byte[] {0}, "UnreadableRecord", "", false),
                // A child job naming a victim's child id gets Braid's id instead, and runs as the attacker's own.
                new Attack("atk-child-id", job("atk-child-id", ", \"branches\": [" + childBranch("k",
                        ", \"jobId\": \"victim-1/kid\"") + "]"), null, null, true));
    }

    @Test
    void hostile_records_are_answered_and_harm_no_other_job() {
        // Victims: running while the attacks land (their LLM branches take 1.5 s).
        send(fleet.topics().jobs(), "victim-1", job("victim-1", ", \"branches\": [" + llmBranch("b1") + ", "
                + "{\"branchId\": \"kid\", \"kind\": \"JOB\", \"job\": {\"branches\": [" + llmBranch("c1") + "]}}]"));
        send(fleet.topics().jobs(), "victim-2", job("victim-2", ", \"branches\": [" + llmBranch("b1") + ", "
                + llmBranch("b2") + "]"));
        send(fleet.topics().jobs(), "victim-3", job("victim-3", ", \"branches\": [" + llmBranch("b1") + "]"));

        List<Attack> attacks = jobRecordAttacks();
        attacks.forEach(attack -> send(fleet.topics().jobs(), attack.key(), attack.value()));
        List<Refused> refused = new ArrayList<>();
        // A second, different job under a running victim's id: dispatched (its tasks run), refused by the join.
        String forgedBranch = "{\"branchId\": \"BRANCH\", \"kind\": \"TOOL\", \"tool\": {\"name\": "
                + "\"calculator\", \"argumentsJson\": {\"expression\": \"123456*1000\"}}}";
        send(fleet.topics().jobs(), "victim-2", job("victim-2", ", \"branches\": [" + forgedBranch.replace("BRANCH",
                "b1") + ", " + forgedBranch.replace("BRANCH", "b2") + "]"));
        refused.add(new Refused("victim-2", "DuplicateJob", "job id 'victim-2' is held"));
        // Forged branch results, straight onto the results topic.
        sendAvro(fleet.topics().results(), "victim-3", BranchResult.newBuilder(JobFixtures.succeeded("victim-3",
                "b1", "forged")).setRound(9).build());
        refused.add(new Refused("victim-3", "RefusedInput", "round 9"));
        sendAvro(fleet.topics().results(), "victim-1", BranchResult.newBuilder(JobFixtures.succeeded("victim-1",
                "kid", "forged")).setWorkerId("child job atk-parent").build());
        refused.add(new Refused("victim-1", "RefusedInput", "not from its child job"));
        sendAvro(fleet.topics().results(), "victim-3", JobFixtures.succeeded("someone-else", "b1", "forged"));
        refused.add(new Refused("victim-3", "RefusedInput", "is not its jobId"));
        send(fleet.topics().results(), "victim-3", new byte[] {0, 0, 0, 0, 1, 9, 9, 9});
        refused.add(new Refused("victim-3", "", ""));
        send(fleet.topics().control(), "victim-2", utf8("{not avro"));
        refused.add(new Refused("victim-2", "", ""));
        // Commands for jobs that do not exist yet; their jobs, submitted later, must not be touched.
        Instant now = Instant.now();
        sendAvro(fleet.topics().control(), "late-1", JobControl.newBuilder().setJobId("late-1").setRound(0)
                .setAction(ControlAction.CANCEL).setReason("pre-emptive").setAt(now).build());
        sendAvro(fleet.topics().control(), "late-2", JobControl.newBuilder().setJobId("late-2").setRound(0)
                .setAction(ControlAction.CANCEL).setReason("from the future").setAt(now.plus(Duration.ofDays(400)))
                .build());
        refused.add(new Refused("late-2", "RefusedInput", "in the future"));
        sendAvro(fleet.topics().control(), "nobody", JobControl.newBuilder().setJobId("nobody").setRound(0)
                .setAction(ControlAction.REPLAY).setReason("replay a stranger").setAt(now).build());

        String later = String.valueOf(now.plus(Duration.ofMinutes(2)).toEpochMilli());
        send(fleet.topics().jobs(), "late-1", job("late-1", ", \"submittedAt\": " + later + ", \"branches\": ["
                + toolBranch("b1") + "]"));
        refused.add(new Refused("late-1", "RefusedInput", "before the job was submitted"));
        send(fleet.topics().jobs(), "late-2", toolJob("late-2"));
        send(fleet.topics().jobs(), "canary", toolJob("canary"));

        AvroDeserializer<JobResult> results = new AvroDeserializer<>(new SchemaRegistryClient(fleet.registryUrl()),
                JobResult.class);
        List<String> expectedResults = new ArrayList<>(List.of("victim-1", "victim-2", "victim-3", "late-1",
                "late-2", "canary"));
        attacks.stream().filter(Attack::answered).map(Attack::key).forEach(expectedResults::add);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(resultsByJob(results).keySet()).containsAll(expectedResults));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(aggregatorDeadLetters()).hasSizeGreaterThanOrEqualTo(refused.size()));

        Map<String, List<JobResult>> byJob = resultsByJob(results);
        for (String id : List.of("victim-1", "victim-2", "victim-3", "late-1", "late-2", "canary")) {
            assertThat(byJob.get(id)).as(id + " has exactly one result").hasSize(1);
            JobResult result = byJob.get(id).get(0);
            assertThat(result.getStatus()).as(id).isEqualTo(JobStatus.SUCCEEDED);
            result.getBranches().forEach(branch -> assertThat(branch.getOutput()).as(id + "/" + branch.getBranchId())
                    .doesNotContain("forged").doesNotContain("123456000"));
        }
        assertThat(byJob.get("victim-2").get(0).getBranches()).extracting(b -> b.getBranchId())
                .containsExactly("b1", "b2");
        assertThat(byJob.get("victim-1").get(0).getBranches().get(1).getWorkerId())
                .isEqualTo("child job victim-1/kid");
        assertThat(byJob.get("victim-1/kid")).as("the victim's own child, once").hasSize(1);
        assertThat(byJob.get("victim-1/kid").get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(byJob.get("atk-child-id").get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(byJob).containsKey("atk-child-id/k").doesNotContainKeys("atk\u202Eevil", "victim\u200B-1");

        Map<String, List<ConsumerRecord<String, byte[]>>> dead = TestKafka.readAll(fleet.bootstrapServers(),
                fleet.topics().jobsDeadLetter(), new ByteArrayDeserializer()).stream()
                .collect(Collectors.groupingBy(r -> r.key() == null ? "" : r.key()));
        for (Attack attack : attacks) {
            if (attack.errorClass() == null) {
                continue;
            }
            assertThat(dead.get(attack.key())).as(attack.key() + " is dead-lettered").isNotNull();
            ConsumerRecord<String, byte[]> letter = dead.get(attack.key()).get(0);
            assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).as(attack.key()).isEqualTo(attack.errorClass());
            assertThat(header(letter, DeadLetterHeaders.ERROR_MESSAGE)).as(attack.key()).contains(attack.reason());
            if (attack.answered()) {
                JobResult answer = byJob.get(attack.key()).get(0);
                assertThat(answer.getStatus()).isEqualTo(JobStatus.FAILED);
                assertThat(answer.getRejection().getErrorClass()).isEqualTo(attack.errorClass());
            }
        }
        List<ConsumerRecord<String, byte[]>> aggregatorDead = aggregatorDeadLetters();
        for (Refused expected : refused) {
            assertThat(aggregatorDead).as("dead letter " + expected).anySatisfy(letter -> {
                assertThat(letter.key()).isEqualTo(expected.key());
                assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).contains(expected.errorClass());
                assertThat(header(letter, DeadLetterHeaders.ERROR_MESSAGE)).contains(expected.reason());
            });
        }
        assertThat(events("nobody")).anySatisfy(event ->
                assertThat(event.getType()).isEqualTo(JobEventType.REPLAY_REJECTED));
        assertThat(fleet.orchestrator().isRunning()).as("the aggregator and dispatcher still run").isTrue();
    }

    /** A tool branch with these arguments (a JSON object's fields, as text). */
    private static String tool(String id, String name, String arguments) {
        return "{\"branchId\": " + quoted(id) + ", \"kind\": \"TOOL\", \"tool\": {\"name\": " + quoted(name)
                + ", \"argumentsJson\": {" + arguments + "}}}";
    }

    @Test
    void hostile_tool_arguments_and_outputs_cost_one_attempt_and_are_answered() {
        String backtracking = "a".repeat(40) + "!";
        Map<String, byte[]> jobs = Map.of(
                "calc-tower", job("calc-tower", ", \"branches\": [" + tool("t", "calculator",
                        "\"expression\": \"((10^999)^999)^999\"") + "]"),
                "calc-wrap", job("calc-wrap", ", \"branches\": [" + tool("t", "calculator",
                        "\"expression\": \"10^4294967297\"") + "]"),
                "regex-bomb", job("regex-bomb", ", \"branches\": [" + tool("t", "json_extract",
                        "\"document\": " + quoted("{\"a\": [{\"s\": \"" + backtracking + "\"}]}")
                                + ", \"path\": " + quoted("$.a[?(@.s =~ /(a+)+$/)].s")) + "]"),
                "huge-output", job("huge-output", ", \"branches\": [" + tool("t", "json_extract",
                        "\"document\": " + quoted("{\"a\": \"" + "x".repeat(300_000) + "\"}")
                                + ", \"path\": \"$.a\"") + "]"),
                // inputs whose values hold placeholders, filled into tool arguments and then into the template:
                // each fill is one pass, so they stay text instead of growing tenfold per branch
                "template-growth", job("template-growth", ", \"inputs\": {\"da\": "
                        + quoted("{\"v\": \"{{b}}{{b}}{{b}}\"}") + ", \"db\": " + quoted("{\"v\": \"{{a}}{{a}}{{a}}\"}")
                        + "}, \"branches\": [" + tool("a", "json_extract", "\"document\": \"{{da}}\", \"path\": \"$.v\"")
                        + ", " + tool("b", "json_extract", "\"document\": \"{{db}}\", \"path\": \"$.v\"")
                        + "], \"aggregation\": {\"strategy\": \"TEMPLATE\", \"template\": \"{{a}}|{{b}}\"}"));
        jobs.forEach((id, value) -> send(fleet.topics().jobs(), id, value));
        send(fleet.topics().jobs(), "tool-canary", toolJob("tool-canary"));

        AvroDeserializer<JobResult> results = new AvroDeserializer<>(new SchemaRegistryClient(fleet.registryUrl()),
                JobResult.class);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(resultsByJob(results).keySet()).containsAll(jobs.keySet()).contains("tool-canary"));
        Map<String, List<JobResult>> byJob = resultsByJob(results);
        for (String id : List.of("calc-tower", "calc-wrap", "huge-output")) {
            JobResult result = byJob.get(id).get(0);
            assertThat(result.getCompletedBy()).as(id + " answered, not timed out").isEqualTo("ALL");
            assertThat(result.getBranches().get(0).getAttempt()).as(id + " ran once").isEqualTo(1);
            assertThat(result.getBranches().get(0).getStatus()).as(id).isEqualTo(io.braid.schema.BranchStatus.FAILED);
        }
        assertThat(byJob.get("calc-tower").get(0).getBranches().get(0).getError().getMessage())
                .contains("maxDigits");
        assertThat(byJob.get("calc-wrap").get(0).getBranches().get(0).getError().getMessage())
                .contains("maxExponent");
        assertThat(byJob.get("huge-output").get(0).getBranches().get(0).getError().getErrorClass())
                .isEqualTo("OutputTooLarge");
        JobResult regex = byJob.get("regex-bomb").get(0);
        assertThat(regex.getCompletedBy()).isEqualTo("ALL");
        assertThat(regex.getBranches().get(0).getStatus()).as("RE2J answers in linear time: no match")
                .isEqualTo(io.braid.schema.BranchStatus.SUCCEEDED);
        JobResult template = byJob.get("template-growth").get(0);
        assertThat(template.getOutput()).as("placeholders in outputs stay text: " + template)
                .contains("{{b}}{{b}}{{b}}", "{{a}}{{a}}{{a}}").hasSizeLessThan(64);
        assertThat(byJob.get("tool-canary").get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    }

    private static Map<String, List<JobResult>> resultsByJob(AvroDeserializer<JobResult> results) {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobResults(), results).stream()
                .map(ConsumerRecord::value).collect(Collectors.groupingBy(JobResult::getJobId));
    }

    private static List<ConsumerRecord<String, byte[]>> aggregatorDeadLetters() {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().aggregatorDeadLetter(),
                new ByteArrayDeserializer());
    }

    private static List<JobEvent> events(String jobId) {
        return TestKafka.readAll(fleet.bootstrapServers(), fleet.topics().jobEvents(),
                new AvroDeserializer<>(new SchemaRegistryClient(fleet.registryUrl()), JobEvent.class)).stream()
                .filter(r -> jobId.equals(r.key())).map(ConsumerRecord::value).toList();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
