package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.schema.DeadLetterHeaders;
import io.braid.schema.ErrorClass;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.policy.PolicySettings;
import io.braid.schema.policy.PolicySettings.Grant;
import io.braid.schema.policy.PolicySettings.Mode;
import io.braid.schema.policy.PolicySettings.ModelGrant;
import io.braid.schema.policy.UsePolicy;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.InMemorySchemaRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher refuses, before any task is written, a job naming a tool or model its tenant may not use. */
class JobPolicyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final PolicySettings POLICY = new PolicySettings(Mode.ALLOW,
            Map.of("interns", new Grant(List.of("calculator", "text_stats"), List.of("fast")),
                    "batch", new Grant(null, null, null, false)),
            Map.of("local", new ModelGrant(List.of("calculator"))));

    private final Topics topics = Topics.defaults();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final JobRecords records = new JobRecords(topics,
            new JobDecoder(new AvroDeserializer<>(registry, JobRequest.class)),
            new JobValidator(Aggregation.SUPPORTED, 1000, new UsePolicy(POLICY)), new AvroSerializer<>(registry),
            RecordLimits.defaults(), Long.MAX_VALUE);

    private List<ProducerRecord<String, byte[]>> dispatch(String tenant, String branches) {
        return dispatch(tenant, branches, "");
    }

    private List<ProducerRecord<String, byte[]>> dispatch(String tenant, String branches, String rest) {
        String metadata = tenant == null ? "" : "\"metadata\": {\"tenant\": \"" + tenant + "\"}, ";
        String json = "{\"jobId\": \"j1\", " + metadata + "\"branches\": [" + branches + "]" + rest + "}";
        return records.recordsFor(new ConsumerRecord<>(topics.jobs(), 0, 7L, "j1",
                json.getBytes(StandardCharsets.UTF_8)), 6, NOW);
    }

    private static String tool(String id, String name) {
        return "{\"branchId\": \"" + id + "\", \"kind\": \"TOOL\", \"tool\": {\"name\": \"" + name + "\"}}";
    }

    private static String llm(String id, String model) {
        return "{\"branchId\": \"" + id + "\", \"kind\": \"LLM\", \"llm\": {"
                + (model == null ? "" : "\"model\": \"" + model + "\", ") + "\"userPrompt\": \"hi\"}}";
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private JobManifest rejection(List<ProducerRecord<String, byte[]>> out) {
        assertThat(out).extracting(ProducerRecord::topic).containsExactly(topics.jobsDeadLetter(), topics.manifests());
        return new AvroDeserializer<>(registry, JobManifest.class).deserialize(topics.manifests(), out.get(1).value());
    }

    @Test
    void a_tool_the_tenant_may_not_use_is_dead_lettered_and_answered_failed_naming_branch_tool_tenant_and_setting() {
        List<ProducerRecord<String, byte[]>> out = dispatch("interns", tool("sum", "calculator") + ", "
                + tool("fetch", "http_get"));

        String message = "job 'j1' refused: branch 'fetch' (branches[1].tool.name): tool 'http_get' is not allowed "
                + "for tenant 'interns' by this orchestrator (policy.tenants.interns.tools: [calculator, "
                + "text_stats]); ask the operator to grant it, or use an allowed tool";
        assertThat(header(out.get(0), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("PolicyRefused");
        assertThat(header(out.get(0), DeadLetterHeaders.ERROR_FIELD)).isEqualTo("branches[1].tool.name");
        assertThat(header(out.get(0), DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo(message);
        JobManifest rejection = rejection(out);
        assertThat(rejection.getRejection().getErrorClass()).isEqualTo(ErrorClass.PolicyRefused.name());
        assertThat(rejection.getRejection().getMessage()).isEqualTo(message);
        assertThat(rejection.getBranches()).isEmpty();
    }

    @Test
    void another_tenant_and_jobs_without_one_follow_the_default_and_are_fanned_out() {
        assertThat(dispatch("research", tool("fetch", "http_get"))).extracting(ProducerRecord::topic)
                .contains(topics.tasks()).doesNotContain(topics.jobsDeadLetter());
        assertThat(dispatch(null, llm("a", "judge"))).extracting(ProducerRecord::topic)
                .contains(topics.tasks()).doesNotContain(topics.jobsDeadLetter());
        assertThat(dispatch("interns", tool("sum", "calculator") + ", " + llm("a", "fast")))
                .extracting(ProducerRecord::topic).contains(topics.tasks());
    }

    @Test
    void a_model_is_judged_when_named_and_left_to_the_worker_when_not() {
        assertThat(rejection(dispatch("interns", llm("a", "judge"))).getRejection().getMessage())
                .contains("branch 'a' (branches[0].llm.model): model 'judge' is not allowed for tenant 'interns'",
                        "policy.tenants.interns.models: [fast]");
        assertThat(dispatch("interns", llm("a", null))).extracting(ProducerRecord::topic).contains(topics.tasks());
        List<ProducerRecord<String, byte[]>> judged = dispatch("interns", llm("a", "fast"),
                ", \"aggregation\": {\"strategy\": \"SELECT\", \"model\": \"judge\"}");
        assertThat(header(judged.get(0), DeadLetterHeaders.ERROR_FIELD)).isEqualTo("aggregation.model");
        assertThat(rejection(judged).getRejection().getMessage()).contains("the aggregation's model 'judge'");
        assertThat(dispatch("interns", llm("a", "fast"), ", \"aggregation\": {\"strategy\": \"SELECT\", "
                + "\"model\": \"judge\", \"scorer\": \"longest\"}")).extracting(ProducerRecord::topic)
                .as("a scorer picks: no model runs").contains(topics.tasks());
    }

    @Test
    void an_agents_tools_and_a_child_jobs_branches_are_judged_too() {
        String agent = "{\"branchId\": \"ag\", \"kind\": \"AGENT\", \"agent\": {\"model\": \"local\", "
                + "\"prompt\": \"p\", \"tools\": [\"calculator\", \"text_stats\"]}}";
        assertThat(rejection(dispatch("research", agent)).getRejection().getMessage()).contains(
                "branch 'ag' (branches[0].agent.tools[1]): tool 'text_stats' may not be called by agents on model "
                        + "'local' by this orchestrator (policy.models.local.tools: [calculator])");
        String child = "{\"branchId\": \"kid\", \"kind\": \"JOB\", \"job\": {\"branches\": ["
                + tool("x", "http_get") + "]}}";
        List<ProducerRecord<String, byte[]>> out = dispatch("interns", child);
        assertThat(header(out.get(0), DeadLetterHeaders.ERROR_FIELD))
                .isEqualTo("branches[0].job.branches[0].tool.name");
        assertThat(rejection(out).getRejection().getMessage()).as("the child runs as its parent's tenant")
                .contains("branch 'x'", "tenant 'interns'");
    }

    @Test
    void a_child_job_cannot_name_another_tenant_than_its_parent() {
        String child = "{\"branchId\": \"kid\", \"kind\": \"JOB\", \"job\": {\"metadata\": {\"tenant\": "
                + "\"research\"}, \"branches\": [" + tool("x", "calculator") + "]}}";
        List<ProducerRecord<String, byte[]>> out = dispatch("interns", child);
        assertThat(header(out.get(0), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("InvalidJob");
        assertThat(rejection(out).getRejection().getMessage()).contains("branches[0].job",
                "metadata.tenant 'research'", "runs as its parent's tenant ('interns')");
    }

    @Test
    void high_priority_is_refused_where_the_policy_denies_it_naming_the_setting_and_allowed_elsewhere() {
        List<ProducerRecord<String, byte[]>> denied = dispatch("batch", tool("sum", "calculator"),
                ", \"priority\": \"HIGH\"");
        assertThat(header(denied.get(0), io.braid.schema.DeadLetterHeaders.ERROR_CLASS)).isEqualTo("PolicyRefused");
        assertThat(header(denied.get(0), io.braid.schema.DeadLetterHeaders.ERROR))
                .contains("priority HIGH is not allowed for tenant 'batch'")
                .contains("policy.tenants.batch.highPriority: false");
        rejection(denied);

        assertThat(dispatch("batch", tool("sum", "calculator"), ", \"priority\": \"NORMAL\""))
                .extracting(ProducerRecord::topic).contains(topics.tasks());
        assertThat(dispatch("interns", tool("sum", "calculator"), ", \"priority\": \"HIGH\""))
                .extracting(ProducerRecord::topic).contains(topics.tasksHigh());
    }

    @Test
    void under_default_deny_high_priority_needs_the_tenants_grant() {
        UsePolicy deny = new UsePolicy(new PolicySettings(Mode.DENY, Map.of(
                "ops", new Grant(List.of("*"), List.of("*"), null, true),
                "team", new Grant(List.of("*"), List.of("*"))), Map.of()));

        assertThat(deny.priority("ops", io.braid.schema.Priority.HIGH)).isEmpty();
        assertThat(deny.priority("team", io.braid.schema.Priority.HIGH)).hasValueSatisfying(r -> assertThat(
                r.setting()).isEqualTo("policy.tenants.team sets no highPriority, so policy.default: deny applies"));
        assertThat(deny.priority(null, io.braid.schema.Priority.HIGH)).isPresent();
        assertThat(deny.priority("team", io.braid.schema.Priority.LOW)).isEmpty();
    }
}
