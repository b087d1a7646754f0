package io.braid.cli;

import io.braid.client.BraidClient;
import io.braid.cli.view.Listing;
import io.braid.cli.view.ProgressPrinter;
import io.braid.cli.view.ResultPrinter;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Submits one job, prints its progress as it runs, and prints its result: {@code braid run} and {@code demo}. */
public final class JobSession {

    private JobSession() {
    }

    public static Optional<JobResult> run(BraidClient client, JobRequest job, Duration timeout, PrintStream out) {
        return run(client, job, timeout, out, Listing.defaults());
    }

    /** As above; a job wider than {@code listing} allows is summarised rather than listed branch by branch. */
    public static Optional<JobResult> run(BraidClient client, JobRequest job, Duration timeout, PrintStream out,
                                          Listing listing) {
        Instant submittedAt = Instant.now();
        if (job.getSubmittedAt() == null) {
            job.setSubmittedAt(submittedAt);
        }
        int width = job.getBranches().size();
        out.printf("Submitting job %s with %d branches: %s%n", job.getJobId(), width, listing.summarises(width)
                ? kinds(job) : job.getBranches().stream().map(b -> b.getBranchId() + " (" + b.getKind() + ")")
                .collect(Collectors.joining(", ")));
        client.submit(job);
        ProgressPrinter progress = new ProgressPrinter(out, job.getSubmittedAt(), width, listing);
        Optional<JobResult> result = client.awaitResult(job.getJobId(), submittedAt.minusSeconds(5), timeout,
                progress::print);
        result.ifPresentOrElse(new ResultPrinter(out, listing)::print,
                () -> out.printf("No result for job %s within %d s.%n", job.getJobId(), timeout.toSeconds()));
        return result;
    }

    /** "1000 LLM, 12 TOOL": the job's branches counted by kind. */
    private static String kinds(JobRequest job) {
        Map<BranchKind, Long> counts = new EnumMap<>(BranchKind.class);
        job.getBranches().stream().map(BranchSpec::getKind).forEach(kind -> counts.merge(kind, 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
