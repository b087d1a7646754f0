package io.braid.client;

import io.braid.schema.JobRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobFilesTest {

    @Test
    void a_job_without_an_id_gets_one_named_after_the_file() {
        JobRequest job = JobFiles.read(Path.of("..", "examples", "report.json"));

        assertThat(job.getJobId()).startsWith("report-");
        assertThat(job.getBranches()).isNotEmpty();
    }

    @Test
    void text_that_is_not_a_json_object_is_refused_with_the_reason() {
        assertThatThrownBy(() -> JobFiles.parse("[1, 2]", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> JobFiles.parse("{", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void a_missing_file_is_named() {
        assertThatThrownBy(() -> JobFiles.read(Path.of("no-such-job.json")))
                .hasMessage("job file no-such-job.json does not exist");
    }
}
