package io.braid.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code braid status JOB_ID}: a job's state as the aggregator holds it. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Prints a job's status from any orchestrator (GET /jobs/{jobId}): running or completed, each "
                + "branch's status, worker and times. Finished jobs are kept for the orchestrator's "
                + "--finished-job-retention; after that use 'braid result'."})
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "JOB_ID", description = "The job")
    String jobId;

    @Option(names = "--json", description = "Print the status as JSON")
    boolean json;

    @Mixin
    ApiOptions api = new ApiOptions();

    @Override
    public Integer call() {
        JsonNode status = fetch(api.url(), jobId, api.token());
        if (json) {
            System.out.println(status.toPrettyString());
        } else {
            System.out.print(render(status));
        }
        return 0;
    }

    /** GETs the job's status; a 404 or an unreachable orchestrator is an error that says what to do. */
    static JsonNode fetch(URI orchestratorUrl, String jobId, String token) {
        return fetch(orchestratorUrl, jobId, token, Duration.ofSeconds(5), Duration.ofSeconds(15));
    }

    /**
     * The job as an orchestrator holds it: the round (the open one while it runs, else the last completed) and when
     * the job was submitted.
     */
    record Held(int round, Instant submittedAt) {
    }

    /**
     * The job as the orchestrator holds it, or empty when no orchestrator answered within a few seconds or it does
     * not hold the job's manifest (not dispatched yet, or finished longer ago than its retention).
     */
    static Optional<Held> held(URI orchestratorUrl, String jobId, String token) {
        try {
            JsonNode status = fetch(orchestratorUrl, jobId, token, Duration.ofSeconds(2), Duration.ofSeconds(5));
            if (!status.path("round").canConvertToInt() || status.path("round").asInt() < 1
                    || !status.hasNonNull("submittedAt")) {
                return Optional.empty();
            }
            return Optional.of(new Held(status.path("round").asInt(), Instant.parse(status.path("submittedAt")
                    .asText())));
        } catch (IllegalStateException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static JsonNode fetch(URI orchestratorUrl, String jobId, String token, Duration connectTimeout,
                                  Duration timeout) {
        URI uri = orchestratorUrl.resolve("/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8)
                .replace("+", "%20"));
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(connectTimeout).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("no orchestrator answered at " + orchestratorUrl + " (" + e
                    + "); is 'braid orchestrator' running? Point --orchestrator-url or BRAID_ORCHESTRATOR_URL at it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + " with something that is "
                    + "not JSON; is that an orchestrator?");
        }
        if (response.statusCode() != 200) {
            int code = response.statusCode();
            throw new IllegalStateException("job " + jobId + ": " + body.path("error").asText(response.body())
                    + (code == 401 || code == 403 ? ApiOptions.advice(code) : ""));
        }
        return body;
    }

    static String render(JsonNode status) {
        StringBuilder out = new StringBuilder();
        String state = status.path("state").asText();
        out.append(String.format("Job %s: %s", status.path("jobId").asText(), state));
        if ("COMPLETED".equals(state)) {
            out.append(String.format(" %s (by %s) at %s", status.path("status").asText(),
                    status.path("completedBy").asText(), status.path("completedAt").asText()));
        } else if (status.hasNonNull("deadlineAt")) {
            out.append(" (deadline ").append(status.path("deadlineAt").asText()).append(')');
        }
        out.append(String.format("%n"));
        out.append(spend(status));
        out.append(admission(status));
        for (JsonNode branch : status.path("branches")) {
            out.append(String.format("  %-16s %-5s %-13s %-14s %s%n", branch.path("branchId").asText(),
                    branch.path("kind").asText(), branch.path("status").asText(),
                    branch.path("workerId").asText(""), branch.hasNonNull("error") ? branch.path("error").asText()
                            : branch.hasNonNull("attempt") ? "attempt " + branch.path("attempt").asInt() : ""));
        }
        out.append(String.format("(answered by %s)%n", status.path("answeredBy").asText()));
        return out.toString();
    }

    /**
     * "  priority HIGH; waiting for tenant acme's cap: 0 of 10 tasks admitted" — the line of a job whose tenant has a
     * concurrency cap ("... 10 of 10 tasks admitted" once all are); empty for any other job.
     */
    static String admission(JsonNode status) {
        JsonNode admission = status.path("admission");
        if (!admission.isObject()) {
            return "";
        }
        return String.format("  priority %s; %s%n", status.path("priority").asText("NORMAL"),
                admission.hasNonNull("message") ? admission.path("message").asText()
                        : String.format("tenant %s's cap: %d of %d tasks admitted", admission.path("tenant").asText(),
                        admission.path("admitted").asInt(), admission.path("tasks").asInt()));
    }

    /**
     * "  spent 1,234 tokens (1,000 in, 234 out), cost 0.0420 of a budget of 5,000 tokens; window 8, 8 queued or
     * running" — the lines a job with usage, a budget or a window gets; empty for one with none.
     */
    static String spend(JsonNode status) {
        StringBuilder line = new StringBuilder();
        JsonNode usage = status.path("usage");
        if (usage.isObject()) {
            long in = usage.path("inputTokens").asLong();
            long out = usage.path("outputTokens").asLong();
            line.append(String.format("spent %,d tokens (%,d in, %,d out)", in + out, in, out));
            if (usage.hasNonNull("cost")) {
                line.append(String.format(", cost %.4f", usage.path("cost").asDouble()));
            }
        }
        JsonNode budget = status.path("budget");
        if (budget.isObject()) {
            line.append(line.isEmpty() ? "nothing spent" : "").append(" of a budget of ")
                    .append(budget.hasNonNull("tokens") ? String.format("%,d tokens", budget.path("tokens").asLong())
                            : "")
                    .append(budget.hasNonNull("tokens") && budget.hasNonNull("cost") ? " or " : "")
                    .append(budget.hasNonNull("cost") ? String.format("cost %.4f", budget.path("cost").asDouble())
                            : "");
        }
        if (status.hasNonNull("maxConcurrency")) {
            line.append(line.isEmpty() ? "" : "; ").append(String.format("window %d, %d queued or running",
                    status.path("maxConcurrency").asInt(), status.path("inFlight").asInt()));
        }
        return line.isEmpty() ? "" : "  " + line + String.format("%n");
    }
}
