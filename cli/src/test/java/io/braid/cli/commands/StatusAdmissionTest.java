package io.braid.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code braid status} shows a capped tenant's job waiting for admission, and its priority. */
class StatusAdmissionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_job_waiting_for_its_tenants_cap_says_how_many_tasks_were_admitted() throws Exception {
        String status = "{\"jobId\": \"j\", \"state\": \"RUNNING\", \"priority\": \"HIGH\", \"admission\": "
                + "{\"tenant\": \"acme\", \"admitted\": 0, \"tasks\": 10, \"message\": \"waiting for tenant acme's "
                + "cap: 0 of 10 tasks admitted\"}, \"branches\": [], \"answeredBy\": \"o\"}";

        assertThat(StatusCommand.render(JSON.readTree(status)).lines())
                .contains("  priority HIGH; waiting for tenant acme's cap: 0 of 10 tasks admitted");
    }

    @Test
    void a_fully_admitted_job_says_so_and_an_uncapped_job_prints_no_such_line() throws Exception {
        String admitted = "{\"jobId\": \"j\", \"state\": \"COMPLETED\", \"priority\": \"NORMAL\", \"admission\": "
                + "{\"tenant\": \"acme\", \"admitted\": 10, \"tasks\": 10}, \"branches\": [], \"answeredBy\": \"o\"}";
        assertThat(StatusCommand.render(JSON.readTree(admitted)).lines())
                .contains("  priority NORMAL; tenant acme's cap: 10 of 10 tasks admitted");

        assertThat(StatusCommand.render(JSON.readTree("{\"jobId\": \"j\", \"state\": \"RUNNING\", "
                + "\"branches\": [], \"answeredBy\": \"o\"}")).lines()).hasSize(2);
    }
}
