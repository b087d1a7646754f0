package io.braid.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.JobRequest;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JSON is refused cheaply, before conversion, when it breaks a limit; the message names the limit. */
class JsonLimitsTest {

    private static final String BRANCHES = "\"branches\": [{\"branchId\": \"a\", \"kind\": \"TOOL\", "
            + "\"tool\": {\"name\": \"calculator\"}}]";

    @Test
    void deep_nesting_is_a_clean_refusal_not_a_stack_overflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);

        assertThatThrownBy(() -> AvroJson.fromJson(deep, JobRequest.class))
                .isExactlyInstanceOf(JsonRecordException.class)
                .hasMessage("JSON refused: it nests deeper than 64 levels (AvroJson.MAX_NESTING_DEPTH)");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", " + BRANCHES + ", \"inputs\": "
                + "{\"a\": " + "{\"b\": ".repeat(70) + "1" + "}".repeat(71) + "}", JobRequest.class))
                .hasMessageContaining("MAX_NESTING_DEPTH");
    }

    @Test
    void an_embedded_json_object_deeper_than_the_limit_is_refused_even_from_a_tree_built_elsewhere() {
        ObjectNode deep = JsonNodeFactory.instance.objectNode();
        ObjectNode node = deep;
        for (int i = 0; i < 100; i++) {
            node = node.putObject("x");
        }
        JsonNode job = AvroJson.readTree("{\"jobId\": \"j\", \"branches\": [{\"branchId\": \"a\", \"kind\": \"TOOL\", "
                + "\"tool\": {\"name\": \"calculator\"}}]}");
        ((ObjectNode) job.get("branches").get(0).get("tool")).set("argumentsJson", deep);

        assertThatThrownBy(() -> AvroJson.fromJson(job, JobRequest.class))
                .hasMessage("branches[0].tool.argumentsJson: JSON refused: it nests deeper than 64 levels "
                        + "(AvroJson.MAX_NESTING_DEPTH)");
    }

    @Test
    void long_strings_numbers_and_names_are_refused_naming_the_limit() {
        String longString = "x".repeat(AvroJson.MAX_STRING_LENGTH + 1);
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"" + longString + "\"}", JobRequest.class))
                .hasMessage("JSON refused: it has a string longer than 16777216 characters "
                        + "(AvroJson.MAX_STRING_LENGTH)");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"completion\": {\"quorum\": "
                + "1".repeat(AvroJson.MAX_NUMBER_LENGTH + 1) + "}}", JobRequest.class))
                .hasMessage("JSON refused: it has a number longer than 100 characters (AvroJson.MAX_NUMBER_LENGTH)");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"inputs\": {\""
                + "k".repeat(AvroJson.MAX_NAME_LENGTH + 1) + "\": \"v\"}}", JobRequest.class))
                .hasMessage("JSON refused: it has a field name or map key longer than 10000 characters "
                        + "(AvroJson.MAX_NAME_LENGTH)");
    }

    @Test
    void duplicate_fields_trailing_content_and_empty_text_are_refused() {
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"a\", \"jobId\": \"b\", " + BRANCHES + "}",
                JobRequest.class))
                .hasMessageStartingWith("not valid JSON: Duplicate field 'jobId'");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"a\", " + BRANCHES + "} {\"jobId\": \"b\"}",
                JobRequest.class))
                .hasMessageStartingWith("not valid JSON: Trailing token");
        assertThatThrownBy(() -> AvroJson.fromJson("  ", JobRequest.class))
                .hasMessage("not valid JSON: no value, expected a JSON object");
        assertThatThrownBy(() -> AvroJson.fromJson("[1]", JobRequest.class))
                .hasMessage("the record: expected a JSON object, got a JSON array");
    }

    @Test
    void a_job_within_the_limits_reads() {
        assertThat(AvroJson.fromJson("{\"jobId\": \"j\", " + BRANCHES + "}", JobRequest.class).getJobId())
                .isEqualTo("j");
    }

    @Test
    void mutated_jobs_fail_only_with_json_record_exceptions() {
        String valid = "{\"jobId\": \"j\", \"inputs\": {\"x\": \"1\"}, \"submittedAt\": 1, " + BRANCHES
                + ", \"completion\": {\"mode\": \"QUORUM\", \"quorum\": 1}}";
        String alphabet = "{}[]\":,0123456789.eE-+tfnul\\ \ud800x";
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder(valid);
            for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
                int at = random.nextInt(text.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, c);
                    case 1 -> text.insert(at, c);
                    default -> text.deleteCharAt(at);
                }
            }
            try {
                AvroJson.fromJson(text.toString(), JobRequest.class);
            } catch (JsonRecordException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
