package io.braid.schema.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.BranchResult;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strict types on the wire: each value must have its field's JSON type, and the error names the field. */
class StrictJsonTest {

    private static final String BRANCH = "{\"branchId\": \"a\", \"kind\": \"TOOL\", \"tool\": {\"name\": \"calculator\"}}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JobRequest job(String fields) {
        return AvroJson.fromJson("{\"jobId\": \"j\", \"branches\": [" + BRANCH + "]" + fields + "}", JobRequest.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "jobId": {"nested": true}              | jobId: expected a string, got a JSON object
            "jobId": ["a"]                         | jobId: expected a string, got a JSON array
            "jobId": 42                            | jobId: expected a string, got 42
            "jobId": true                          | jobId: expected a string, got true
            "inputs": {"x": {"y": 1}}              | inputs.x: expected a string, got a JSON object
            "inputs": {"x": 1}                     | inputs.x: expected a string, got 1
            "inputs": ["x"]                        | inputs: expected a JSON object, got a JSON array
            "metadata": "k=v"                      | metadata: expected a JSON object, got "k=v"
            "completion": {"quorum": 1.5}          | completion.quorum: expected a whole number from -2147483648 to 2147483647, got 1.5
            "completion": {"quorum": 1e10}         | completion.quorum: expected a whole number from -2147483648 to 2147483647, got 1.0E10
            "completion": {"quorum": 2147483648}   | completion.quorum: expected a whole number from -2147483648 to 2147483647, got 2147483648
            "completion": {"quorum": "3"}          | completion.quorum: expected a whole number from -2147483648 to 2147483647, got "3"
            "completion": {"deadlineMs": 9223372036854775808} | completion.deadlineMs: expected a whole number from -9223372036854775808 to 9223372036854775807, got 9223372036854775808
            "completion": {"mode": "all"}          | completion.mode: expected one of [ALL, QUORUM, FIRST], got "all"
            "completion": []                       | completion: expected a JSON object, got a JSON array
            "submittedAt": true                    | submittedAt: expected an ISO-8601 instant or epoch milliseconds, got true
            "submittedAt": "+300000000-01-01T00:00:00Z" | submittedAt: expected an ISO-8601 instant such as 2026-01-31T12:00:00Z, within the range of epoch milliseconds, got "+300000000-01-01T00:00:00Z"
            "branches": {"a": 1}                   | branches: expected a JSON array, got a JSON object
            """)
    void a_value_of_the_wrong_type_is_refused_with_the_field_named(String field, String message) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree("{\"jobId\": \"j\", \"branches\": [" + BRANCH + "]}");
        json.setAll((ObjectNode) JSON.readTree("{" + field + "}"));

        assertThatThrownBy(() -> AvroJson.fromJson(json.toString(), JobRequest.class))
                .isExactlyInstanceOf(JsonRecordException.class)
                .hasMessage(message);
    }

    @Test
    void nested_values_and_booleans_are_checked_too() {
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"branches\": [{\"branchId\": \"a\", "
                + "\"kind\": \"AGENT\", \"agent\": {\"prompt\": \"p\", \"tools\": [\"t\", 3]}}]}", JobRequest.class))
                .hasMessage("branches[0].agent.tools[1]: expected a string, got 3");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"branchId\": \"a\", \"status\": \"FAILED\", "
                + "\"workerId\": \"w\", \"startedAt\": 0, \"finishedAt\": 0, \"error\": {\"errorClass\": \"E\", "
                + "\"message\": \"m\", \"retriable\": \"yes\"}}", BranchResult.class))
                .hasMessage("error.retriable: expected true or false, got \"yes\"");
    }

    @Test
    void only_fields_holding_json_text_take_a_json_object_as_their_text() {
        JobRequest job = AvroJson.fromJson("{\"jobId\": \"j\", \"branches\": [{\"branchId\": \"a\", \"kind\": \"JOB\", "
                + "\"job\": {\"branches\": []}}, {\"branchId\": \"b\", \"kind\": \"TOOL\", \"tool\": "
                + "{\"name\": \"c\", \"argumentsJson\": {\"x\": [1, 2]}}}]}", JobRequest.class);

        assertThat(job.getBranches().get(0).getJob()).isEqualTo("{\"branches\":[]}");
        assertThat(job.getBranches().get(1).getTool().getArgumentsJson()).isEqualTo("{\"x\":[1,2]}");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"branches\": [{\"branchId\": \"b\", "
                + "\"kind\": \"TOOL\", \"tool\": {\"name\": \"c\", \"argumentsJson\": [1]}}]}", JobRequest.class))
                .hasMessage("branches[0].tool.argumentsJson: expected a string or a JSON object, got a JSON array");
    }

    @Test
    void an_unknown_field_is_refused_naming_it_and_the_closest_known_one() {
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"brnaches\": []}", JobRequest.class))
                .hasMessageStartingWith("brnaches: unknown field (did you mean 'branches'?); JobRequest has [jobId,");
        assertThatThrownBy(() -> job(", \"completion\": {\"mode\": \"ALL\", \"deadline\": 5}"))
                .hasMessageStartingWith("completion.deadline: unknown field (did you mean 'deadlineMs'?)");
        assertThatThrownBy(() -> job(", \"zzz\": 1")).hasMessageStartingWith("zzz: unknown field; JobRequest has");
    }

    @Test
    void null_is_absent_for_a_field_with_a_default_and_an_error_for_a_required_one() {
        assertThat(job(", \"completion\": null, \"submittedAt\": null").getCompletion().getMode().name())
                .isEqualTo("ALL");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": null, \"branches\": []}", JobRequest.class))
                .hasMessage("jobId: expected a string, got null");
    }

    @Test
    void timestamps_are_iso_instants_or_epoch_millis_kept_to_the_millisecond() {
        assertThat(job(", \"submittedAt\": 1767225600000").getSubmittedAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(job(", \"submittedAt\": \"2026-01-01T00:00:00.123456789Z\"").getSubmittedAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
    }

    @Test
    void text_must_be_valid_unicode() {
        assertThatThrownBy(() -> job(", \"inputs\": {\"x\": \"a\\udc00b\"}"))
                .hasMessage("inputs.x: unpaired UTF-16 surrogate \\udc00 at index 1; text must be valid Unicode");
        assertThatThrownBy(() -> job(", \"metadata\": {\"k\\ud800\": \"v\"}"))
                .hasMessageContaining("unpaired UTF-16 surrogate \\ud800 at index 1");
        assertThat(job(", \"inputs\": {\"x\": \"\\ud83d\\ude00\"}").getInputs().get("x")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void doubles_are_finite_numbers_or_the_names_of_the_others() {
        String llm = "{\"jobId\": \"j\", \"branches\": [{\"branchId\": \"a\", \"kind\": \"LLM\", \"llm\": "
                + "{\"userPrompt\": \"p\", \"temperature\": %s}}]}";
        assertThat(AvroJson.fromJson(llm.formatted("0.7"), JobRequest.class).getBranches().get(0).getLlm()
                .getTemperature()).isEqualTo(0.7);
        assertThat(AvroJson.fromJson(llm.formatted("\"NaN\""), JobRequest.class).getBranches().get(0).getLlm()
                .getTemperature()).isNaN();
        assertThatThrownBy(() -> AvroJson.fromJson(llm.formatted("1e400"), JobRequest.class))
                .hasMessageContaining("temperature: expected a number");
        assertThatThrownBy(() -> AvroJson.fromJson(llm.formatted("\"0.7\""), JobRequest.class))
                .hasMessageContaining("temperature: expected a number, got \"0.7\"");
    }

    @Test
    void a_result_reads_with_the_same_rules() {
        assertThatThrownBy(() -> AvroJson.fromJson("{\"jobId\": \"j\", \"status\": \"DONE\"}", JobResult.class))
                .hasMessageStartingWith("status: expected one of [SUCCEEDED, PARTIAL, FAILED, CANCELLED]");
    }
}
