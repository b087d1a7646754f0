package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.cli.view.Listing;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.LlmCall;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code braid run} prints for a 1,000-branch job on a real fleet: a summary, not a line per branch. */
class WideJobRunTest {

    @Test
    void running_a_thousand_branch_job_prints_a_summary_instead_of_a_line_per_event_and_branch() {
        JobRequest job = JobRequest.newBuilder().setJobId("wide-run-1")
                .setBranches(IntStream.range(0, 1_000).mapToObj(i -> BranchSpec.newBuilder().setBranchId("b" + i)
                        .setKind(BranchKind.LLM).setLlm(LlmCall.newBuilder().setUserPrompt("item " + i).build())
                        .build()).toList())
                .build();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (LocalFleet fleet = LocalFleet.start(2, w -> w.simulatedLatency(Duration.ofMillis(5),
                Duration.ofMillis(20)))) {
            fleet.awaitReady(Duration.ofSeconds(60)).warmUp(Duration.ofSeconds(60));
            try (BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
                JobResult result = JobSession.run(client, job, Duration.ofSeconds(120),
                        new PrintStream(buffer, true, StandardCharsets.UTF_8), Listing.defaults()).orElseThrow();
                assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            }
        }

        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSizeLessThan(45)
                .contains("Submitting job wide-run-1 with 1000 branches: 1000 LLM",
                        "Job wide-run-1: SUCCEEDED (completed by ALL, round 1)",
                        "  1000 branches: 1000 SUCCEEDED (a summary; --all lists every branch)");
        assertThat(lines).filteredOn(line -> line.matches(" +\\+\\d+\\.\\d{3}s  \\d+/1000 finished \\(.*"))
                .as("a progress line per tenth finished, not per event").hasSizeBetween(5, 10);
        assertThat(lines).anyMatch(line -> line.startsWith("  slowest: "))
                .anyMatch(line -> line.startsWith("    running  |"))
                .noneMatch(line -> line.startsWith("  b500 "));
        System.out.println("WideJobRunTest: " + lines.stream().filter(line -> line.startsWith("Job wall time"))
                .findFirst().orElse("no wall time printed"));
    }
}
