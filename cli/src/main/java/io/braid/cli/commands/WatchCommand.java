package io.braid.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.braid.client.BraidClient;
import io.braid.cli.view.ResultPrinter;
import io.braid.cli.view.WatchBoard;
import io.braid.schema.JobResult;
import io.braid.schema.json.AvroJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code braid watch JOB_ID}: live per-branch progress until the job ends. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Shows a job's branches live — pending, running, retrying, finished, each on a timeline "
                + "since the job was submitted — until the job completes (its current round, after a replay), then "
                + "its result.", "A job of more than 50 branches (--list-up-to) is summarised; --all lists every "
                + "branch."})
public final class WatchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "JOB_ID", description = "The job")
    String jobId;

    @Mixin
    ApiOptions api = new ApiOptions();

    @Mixin
    ListingOptions listing;

    @Option(names = "--json", description = "Print each progress event, then the result, as one JSON object per line "
            + "instead of the board")
    boolean json;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        JsonNode status = StatusCommand.fetch(api.url(), jobId, api.token());
        if (!status.has("branches")) {
            throw new IllegalStateException("job " + jobId + " is not dispatched yet; try again in a moment");
        }
        Map<String, String> branchStates = new LinkedHashMap<>();
        status.path("branches").forEach(b -> branchStates.put(b.path("branchId").asText(),
                b.path("status").asText()));
        Instant submittedAt = Instant.parse(status.path("submittedAt").asText());
        Instant deadlineAt = status.hasNonNull("deadlineAt") ? Instant.parse(status.path("deadlineAt").asText())
                : null;
        int round = Math.max(1, status.path("round").asInt(1));
        WatchBoard board = new WatchBoard(System.out, System.console() != null, Clock.systemUTC(), jobId,
                submittedAt, branchStates, listing.listing());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        if (!json) {
            board.draw();
            ticker.scheduleAtFixedRate(board::draw, 250, 250, TimeUnit.MILLISECONDS);
        }
        Optional<JobResult> result;
        try (BraidClient client = new BraidClient(kafka.connection(), kafka.registryUrl(), kafka.topics())) {
            Duration timeout = deadlineAt == null ? Duration.ofHours(1)
                    : Duration.between(Instant.now(), deadlineAt).plusMinutes(1);
            result = client.awaitResult(jobId, round, submittedAt,
                    timeout.isNegative() ? Duration.ofMinutes(1) : timeout, event -> {
                        if (json) {
                            System.out.println(AvroJson.toJson(event));
                        } else if (event.getRound() == round) {
                            board.apply(event);
                        }
                    });
        } finally {
            ticker.shutdownNow();
        }
        if (!json) {
            board.draw();
        }
        if (result.isEmpty()) {
            throw new IllegalStateException("no result for " + jobId + " arrived; is the orchestrator running?");
        }
        if (json) {
            System.out.println(AvroJson.toJson(result.get()));
            return 0;
        }
        System.out.println();
        new ResultPrinter(System.out, listing.listing()).print(result.get());
        return 0;
    }
}
