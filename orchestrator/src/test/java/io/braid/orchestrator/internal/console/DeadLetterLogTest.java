package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's dead letters: bounded in number and in the size of each. */
class DeadLetterLogTest {

    @Test
    void keeps_the_newest_and_cuts_their_strings() {
        DeadLetterLog log = new DeadLetterLog(2, 100, new Cut(40));
        String huge = "m".repeat(1_000_000);
        for (int i = 0; i < 3; i++) {
            log.add(new DeadLetterLog.Letter(JobFixtures.T0.plusSeconds(i), huge + i, "b", 1, huge, huge, false, 1));
        }

        assertThat(log.list(null, null, null, 10)).hasSize(2);
        JsonNode newest = log.list(null, null, null, 10).get(0);
        assertThat(newest.get("jobId").asText()).hasSize(40 + 1).endsWith(Cut.MARK);
        assertThat(newest.get("errorClass").asText()).hasSize(40 + 1);
        assertThat(newest.get("message").asText()).hasSize(101).endsWith(Cut.MARK);
    }
}
