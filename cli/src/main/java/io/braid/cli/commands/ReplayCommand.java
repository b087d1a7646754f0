package io.braid.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.client.BraidClient;
import io.braid.client.DeadLetters.DeadLetter;
import io.braid.cli.view.ResultPrinter;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code braid replay}: run failed branches again, keeping every branch that succeeded. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Runs a job's failed branches again in a new round of the same job: branches that succeeded "
                + "are kept and never run again, and the job completes with a new result. The aggregator decides "
                + "and says what it did (or why not: still running, nothing failed, unknown branch).",
                "With --wait it then waits for the new round to end and prints its result."})
public final class ReplayCommand implements Callable<Integer> {

    /**
     * How far before the replay --wait reads the job-results topic: a job result carries the time of the record
     * that completed it, from another machine's clock.
     */
    private static final Duration RESULT_LOOKBACK = Duration.ofMinutes(5);

    static final class Selection {
        @Option(names = "--job", description = "Replay this job's failed branches") String jobId;

        @Option(names = "--all-failed", description = "Replay every job with dead-lettered branches since --since")
        boolean allFailed;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Option(names = "--branch", description = "With --job: only this branch (repeatable)")
    List<String> branches = new ArrayList<>();

    @Option(names = "--since", defaultValue = "24h", converter = DurationConverter.class,
            description = "With --all-failed: dead letters this recent (default: ${DEFAULT-VALUE})")
    Duration since;

    @Option(names = "--error", description = "With --all-failed: only failures whose error class or message "
            + "contains this text")
    String error;

    @Option(names = "--model", description = "Run the replayed LLM branches on this model instead")
    String model;

    @Option(names = "--dry-run", description = "Only list what would be replayed")
    boolean dryRun;

    @Option(names = "--wait", description = "With --job: wait for the new round to end and print its result")
    boolean await;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "With --wait: how long to wait for the new round's result (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Mixin
    ListingOptions listing;

    @Mixin
    ApiOptions api = new ApiOptions();

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        if (selection.allFailed && !branches.isEmpty()) {
            throw new IllegalArgumentException("--branch goes with --job; --all-failed replays every failed branch "
                    + "of each job");
        }
        if (selection.allFailed && await) {
            throw new IllegalArgumentException("--wait goes with --job; after --all-failed, read each job's new "
                    + "round with 'braid result JOB_ID'");
        }
        Map<String, List<String>> plan = new LinkedHashMap<>();
        if (selection.jobId != null) {
            plan.put(selection.jobId, branches);
        } else {
            for (DeadLetter letter : DlqCommand.read(kafka, since)) {
                if (DlqCommand.matches(letter, error)) {
                    plan.computeIfAbsent(letter.jobId(), id -> new ArrayList<>());
                }
            }
            if (plan.isEmpty()) {
                System.out.println("No dead-lettered jobs in the last " + since.toHours() + " h"
                        + (error == null ? "" : " matching '" + error + "'") + "; nothing to replay.");
                return 0;
            }
        }
        if (dryRun) {
            plan.forEach(this::printWouldReplay);
            return 0;
        }
        int errors = 0;
        try (BraidClient client = new BraidClient(kafka.connection(), kafka.registryUrl(), kafka.topics())) {
            for (Map.Entry<String, List<String>> job : plan.entrySet()) {
                Instant sent = client.replay(job.getKey(), job.getValue(), model);
                Optional<JobEvent> outcome = client.awaitReplayOutcome(job.getKey(), sent, Duration.ofSeconds(30));
                if (outcome.isEmpty()) {
                    System.out.printf("%s: no answer from the aggregator within 30 s; is an orchestrator running?%n",
                            job.getKey());
                    errors++;
                } else if (outcome.get().getType() == JobEventType.JOB_REPLAYED) {
                    errors += replayed(client, outcome.get(), sent);
                } else {
                    String why = outcome.get().getMessage();
                    boolean error = why.startsWith("unknown branch") || why.startsWith("no job");
                    System.out.printf("%s: %s %s%n", job.getKey(), error ? "cannot replay:" : "nothing done:", why);
                    errors += error ? 1 : 0;
                }
            }
        }
        return errors == 0 ? 0 : 1;
    }

    /** Says what the new round runs; with --wait, waits for its result and prints it (1 when none came). */
    private int replayed(BraidClient client, JobEvent replayed, Instant sent) {
        String jobId = replayed.getJobId();
        if (!await) {
            System.out.printf("%s: %s. Follow it with 'braid watch %s'.%n", jobId, replayed.getMessage(), jobId);
            return 0;
        }
        System.out.printf("%s: %s. Waiting for it to end...%n", jobId, replayed.getMessage());
        Optional<JobResult> result = client.awaitResult(jobId, replayed.getRound(), sent.minus(RESULT_LOOKBACK),
                timeout, null);
        if (result.isEmpty()) {
            System.out.printf("%s: round %d did not end within %d s; follow it with 'braid watch %s'%n", jobId,
                    replayed.getRound(), timeout.toSeconds(), jobId);
            return 1;
        }
        new ResultPrinter(System.out, listing.listing()).print(result.get());
        return 0;
    }

    /** What a replay would run, from the job's status: the requested branches that did not succeed. */
    private void printWouldReplay(String jobId, List<String> requested) {
        JsonNode status = StatusCommand.fetch(api.url(), jobId, api.token());
        Set<String> failed = new LinkedHashSet<>();
        Set<String> succeeded = new LinkedHashSet<>();
        for (JsonNode branch : status.path("branches")) {
            String id = branch.path("branchId").asText();
            if (requested.isEmpty() || requested.contains(id)) {
                ("SUCCEEDED".equals(branch.path("status").asText()) ? succeeded : failed).add(id);
            }
        }
        if (!"COMPLETED".equals(status.path("state").asText())) {
            System.out.printf("%s: would do nothing: round %s is still running%n", jobId, status.path("round"));
        } else if (failed.isEmpty()) {
            System.out.printf("%s: would do nothing: %s already succeeded%n", jobId, String.join(", ", succeeded));
        } else {
            System.out.printf("%s: would replay %s in round %d%s%s%n", jobId, String.join(", ", failed),
                    status.path("round").asInt() + 1, model == null ? "" : " on model " + model,
                    succeeded.isEmpty() ? "" : "; keeps " + String.join(", ", succeeded));
        }
    }
}
