package io.braid.cli.commands;

import io.braid.client.BraidClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code braid cancel JOB_ID}: cancel a running job. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancels a job: it completes as CANCELLED with the branches that had finished, and workers "
                + "skip or interrupt the rest. A job that already completed is left as it is. "
                + "See the outcome with 'braid result JOB_ID'."})
public final class CancelCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOB_ID", description = "The job to cancel")
    String jobId;

    @Option(names = "--reason", defaultValue = "cancelled from the command line",
            description = "Why, recorded with the cancel (default: ${DEFAULT-VALUE})")
    String reason;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        if (jobId.isBlank()) {
            throw new IllegalArgumentException("JOB_ID is empty; pass the id 'braid submit' printed");
        }
        try (BraidClient client = new BraidClient(kafka.connection(), kafka.registryUrl(), kafka.topics())) {
            client.cancel(jobId, reason);
        }
        System.out.printf("Cancel of %s sent. 'braid result %s' shows the outcome.%n", jobId, jobId);
        return 0;
    }
}
