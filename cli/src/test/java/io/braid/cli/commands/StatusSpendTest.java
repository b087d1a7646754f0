package io.braid.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code braid status} shows what a job spent, its budget and its window. */
class StatusSpendTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_job_with_usage_a_budget_and_a_window_gets_one_line_saying_so() throws Exception {
        String status = "{\"jobId\": \"j\", \"state\": \"RUNNING\", \"maxConcurrency\": 8, \"inFlight\": 5,"
                + " \"usage\": {\"inputTokens\": 1000, \"outputTokens\": 234, \"cost\": 0.042},"
                + " \"budget\": {\"tokens\": 5000, \"cost\": null}, \"branches\": [], \"answeredBy\": \"o\"}";

        String rendered = StatusCommand.render(JSON.readTree(status));

        assertThat(rendered.lines()).contains("  spent 1,234 tokens (1,000 in, 234 out), cost 0.0420 of a budget of "
                + "5,000 tokens; window 8, 5 queued or running");
    }

    @Test
    void a_job_without_any_prints_no_such_line() throws Exception {
        String rendered = StatusCommand.render(JSON.readTree("{\"jobId\": \"j\", \"state\": \"RUNNING\", "
                + "\"branches\": [], \"answeredBy\": \"o\"}"));

        assertThat(rendered.lines()).hasSize(2);
    }
}
