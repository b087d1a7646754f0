package io.braid.schema.json;

import io.braid.schema.JobRequest;
import io.braid.schema.Priority;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A job file's {@code priority}: NORMAL when left out, one of LOW, NORMAL, HIGH, anything else refused. */
class PriorityJsonTest {

    private static final String JOB = "{\"jobId\": \"p\", \"branches\": [{\"branchId\": \"b\", \"kind\": \"TOOL\", "
            + "\"tool\": {\"name\": \"calculator\", \"argumentsJson\": \"{}\"}}]%s}";

    @Test
    void a_job_without_a_priority_is_normal_and_high_is_read() {
        assertThat(AvroJson.fromJson(JOB.formatted(""), JobRequest.class).getPriority()).isEqualTo(Priority.NORMAL);
        assertThat(AvroJson.fromJson(JOB.formatted(", \"priority\": \"HIGH\""), JobRequest.class).getPriority())
                .isEqualTo(Priority.HIGH);
    }

    @Test
    void an_unknown_priority_is_refused_naming_the_field() {
        assertThatThrownBy(() -> AvroJson.fromJson(JOB.formatted(", \"priority\": \"URGENT\""), JobRequest.class))
                .isInstanceOf(JsonRecordException.class).hasMessageContaining("priority");
    }
}
