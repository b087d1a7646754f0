package io.braid.cli.commands;

import io.braid.cli.client.BraidClient;
import io.braid.cli.view.ResultPrinter;
import io.braid.schema.JobResult;
import io.braid.schema.json.AvroJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code braid result JOB_ID}: wait for a job's result and print it. */
@Command(name = "result", mixinStandardHelpOptions = true,
        description = "Waits for a job's result and prints it (exit code 1 when none arrives in time).")
public final class ResultCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOB_ID", description = "The job's id, as 'braid submit' printed it")
    String jobId;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long to wait (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "Print the JobResult as JSON")
    boolean json;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        try (BraidClient client = new BraidClient(kafka.connection(), kafka.registryUrl(), kafka.topics())) {
            Optional<JobResult> result = client.awaitResult(jobId, null, timeout, event -> { });
            if (result.isEmpty()) {
                System.err.printf("braid result: no result for job %s within %d s; check the id, or wait longer "
                        + "with --timeout%n", jobId, timeout.toSeconds());
                return 1;
            }
            if (json) {
                System.out.println(AvroJson.toJson(result.get()).toPrettyString());
            } else {
                new ResultPrinter(System.out).print(result.get());
            }
            return 0;
        }
    }
}
