package io.braid.cli;

import io.braid.cli.commands.DemoCommand;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs exactly what {@code braid demo} runs and checks what it prints. */
class DemoTest {

    @Test
    void demo_fans_the_report_job_out_and_prints_the_joined_result_with_overlapping_branches() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

        Optional<JobResult> result = DemoCommand.run(3, out);

        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(result).isPresent();
        assertThat(result.get().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.get().getBranches()).hasSize(5);
        assertThat(printed).contains("SUCCEEDED (completed by ALL, round 1)");
        for (String branch : new String[] {"summary", "key_points", "introduction", "title", "statistics"}) {
            assertThat(printed).containsPattern("(?m)^  " + branch + " +SUCCEEDED +worker-\\d");
            assertThat(printed).containsPattern("(?m)^ +\\+\\d+\\.\\d{3}s +" + branch + " +started on worker-\\d");
        }
        assertThat(printed).contains("summary: [simulated] model 'simulated' answering \"Summarize in two sentences");
        assertThat(printed).containsPattern("statistics: \\{\"characters\":\\d+,\"words\":\\d+");
        // four LLM branches of a few hundred ms each ran at the same time
        assertThat(printed).containsPattern("they overlapped, \\d+\\.\\d× faster");
    }
}
