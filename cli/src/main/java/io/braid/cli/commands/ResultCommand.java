package io.braid.cli.commands;

import io.braid.client.BraidClient;
import io.braid.client.JobRounds;
import io.braid.cli.view.ResultPrinter;
import io.braid.schema.JobResult;
import io.braid.schema.json.AvroJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code braid result JOB_ID}: wait for a job's result — its latest round — and print it. */
@Command(name = "result", mixinStandardHelpOptions = true,
        description = {"Waits for a job's result and prints it (exit code 1 when none arrives in time).",
                "A job replayed has one result per round; this prints the latest: the highest round on the "
                        + "job-results topic, or the round the orchestrator (--orchestrator-url) says is still "
                        + "running, once it ends. --round N prints another."})
public final class ResultCommand implements Callable<Integer> {

    /** How much earlier than its job's submission a result may be stamped by another machine's clock. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    @Parameters(paramLabel = "JOB_ID", description = "The job's id, as 'braid submit' printed it")
    String jobId;

    @Option(names = "--round", paramLabel = "N", description = "Print round N's result instead of the latest")
    Integer round;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long to wait (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "Print the JobResult as JSON")
    boolean json;

    @Mixin
    ApiOptions api = new ApiOptions();

    @Mixin
    ListingOptions listing;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        if (round != null && round < 1) {
            throw new IllegalArgumentException("--round " + round + ": rounds count from 1 (the first dispatch)");
        }
        Optional<StatusCommand.Held> held = StatusCommand.held(api.url(), jobId, api.token());
        int awaited = round != null ? round : held.map(StatusCommand.Held::round).orElse(1);
        // no result is older than its job, give or take the clocks of the machines that wrote it
        Instant since = held.map(job -> job.submittedAt().minus(CLOCK_SKEW)).orElse(null);
        JobRounds rounds;
        try (BraidClient client = new BraidClient(kafka.connection(), kafka.registryUrl(), kafka.topics())) {
            rounds = client.awaitRounds(jobId, awaited, since, timeout, null);
        }
        Optional<JobResult> result = round != null ? rounds.round(round) : rounds.latest()
                .filter(latest -> latest.getRound() >= awaited);
        if (result.isEmpty()) {
            System.err.println("braid result: " + missing(rounds, awaited));
            return 1;
        }
        if (json) {
            String note = ResultPrinter.roundsNote(jobId, result.get().getRound(), rounds.latestRound());
            if (!note.isEmpty()) {
                System.err.println(note);
            }
            System.out.println(AvroJson.toJson(result.get()).toPrettyString());
        } else {
            new ResultPrinter(System.out, listing.listing()).print(result.get(), rounds.latestRound());
        }
        return 0;
    }

    /** Why there is nothing to print, and what to do. */
    private String missing(JobRounds rounds, int awaited) {
        if (rounds.isEmpty()) {
            return String.format("no result for job %s within %d s; check the id, or wait longer with --timeout",
                    jobId, timeout.toSeconds());
        }
        if (round != null && round < rounds.latestRound()) {
            return String.format("job %s has no result for round %d on the topic (rounds read: %s); it may have "
                    + "expired from the topic", jobId, round, rounds.byRound().keySet());
        }
        return String.format("round %d of job %s did not end within %d s (the latest round with a result is %d); "
                + "wait longer with --timeout, follow it with 'braid watch %s', or print round %d with --round %d",
                awaited, jobId, timeout.toSeconds(), rounds.latestRound(), jobId, rounds.latestRound(),
                rounds.latestRound());
    }
}
