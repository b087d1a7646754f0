package io.braid.cli;

import io.braid.cli.client.BraidClient;
import io.braid.cli.stack.LocalFleet;
import io.braid.orchestrator.status.ApiTokens;
import io.braid.schema.JobRequest;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The CLI against an orchestrator whose job API wants a bearer token, over real HTTP and the in-process broker. */
class OrchestratorApiTokenTest {

    private record Run(int exit, String out, String err) {
    }

    @Test
    void status_with_the_token_file_works_and_without_it_says_what_to_set() throws Exception {
        ApiTokens tokens = ApiTokens.none().with("ops", ApiTokens.Scope.OPERATE, "s3cret-operate");
        Path tokenFile = Files.createTempFile("braid-token", ".txt");
        Files.writeString(tokenFile, "s3cret-operate\n");
        try (LocalFleet fleet = LocalFleet.start(1, UnaryOperator.identity(), o -> o.apiTokens(tokens));
             BraidClient client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics())) {
            fleet.awaitReady(Duration.ofSeconds(60));
            JobRequest job = JobRequest.newBuilder().setJobId("secured-1").setBranches(List.of(
                    JobFixtures.toolBranch("sum", "calculator", "{\"expression\": \"1 + 1\"}"))).build();
            client.submit(job);
            String url = "http://127.0.0.1:" + fleet.orchestrator().httpPort().orElseThrow();

            await().atMost(Duration.ofSeconds(60)).until(() -> braid("status", "secured-1", "--orchestrator-url", url,
                    "--api-token-file", tokenFile.toString()).out().contains("Job secured-1: COMPLETED"));

            Run refused = braid("status", "secured-1", "--orchestrator-url", url);
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("BRAID_API_TOKEN", "--api-token-file");
        }
    }

    @Test
    void orchestrator_bound_beyond_loopback_without_tokens_refuses_to_start() {
        Run run = braid("orchestrator", "--bootstrap-servers", "127.0.0.1:1", "--http-bind", "0.0.0.0");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("0.0.0.0", "--api-tokens-file", "BRAID_API_TOKEN");
    }

    private static Run braid(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            CommandLine command = Main.commandLine();
            command.setErr(new PrintWriter(err, true));
            int exit = command.execute(args);
            return new Run(exit, printed.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }
}
