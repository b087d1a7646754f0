package io.braid.cli.commands;

import io.braid.cli.ValidJobFiles;
import io.braid.client.BraidClient;
import io.braid.schema.JobRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code braid submit JOB.json...}: publish jobs and print their ids. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submits one or more job files and prints each jobId, one per line, without waiting.")
public final class SubmitCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOB.json", arity = "1..*", description = "Job files")
    List<Path> jobFiles;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        List<JobRequest> jobs = jobFiles.stream().map(ValidJobFiles::read).toList();
        try (BraidClient client = new BraidClient(kafka.connection(), kafka.registryUrl(), kafka.topics())) {
            for (JobRequest job : jobs) {
                client.submit(job);
                System.out.println(job.getJobId());
            }
        }
        return 0;
    }
}
