package io.braid.cli;

import io.braid.cli.client.BraidClient;
import io.braid.cli.view.ProgressPrinter;
import io.braid.cli.view.ResultPrinter;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Submits one job, prints its progress as it runs, and prints its result: {@code braid run} and {@code demo}. */
public final class JobSession {

    private JobSession() {
    }

    public static Optional<JobResult> run(BraidClient client, JobRequest job, Duration timeout, PrintStream out) {
        Instant submittedAt = Instant.now();
        if (job.getSubmittedAt() == null) {
            job.setSubmittedAt(submittedAt);
        }
        out.printf("Submitting job %s with %d branches: %s%n", job.getJobId(), job.getBranches().size(),
                String.join(", ", job.getBranches().stream().map(b -> b.getBranchId() + " (" + b.getKind() + ")")
                        .toList()));
        client.submit(job);
        ProgressPrinter progress = new ProgressPrinter(out, job.getSubmittedAt());
        Optional<JobResult> result = client.awaitResult(job.getJobId(), submittedAt.minusSeconds(5), timeout,
                progress::print);
        result.ifPresentOrElse(new ResultPrinter(out)::print,
                () -> out.printf("No result for job %s within %d s.%n", job.getJobId(), timeout.toSeconds()));
        return result;
    }
}
