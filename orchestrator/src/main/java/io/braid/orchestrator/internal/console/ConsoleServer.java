package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import io.braid.orchestrator.ApiTokens;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.orchestrator.TaskBacklog;
import io.braid.orchestrator.internal.aggregate.JoinQueries;
import io.braid.orchestrator.internal.status.JobStatusServer;
import io.braid.schema.http.HttpReplies;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The web console on the job API's port: the pages under {@code /console/} (plain HTML, JS and CSS from the jar; no
 * data, so served without a token) and their data under {@code /console/api/}, which needs a token of scope read
 * like {@code GET /jobs/{id}} (the page keeps the token the user pasted in sessionStorage and sends it as a bearer
 * header, never in a URL). Replays go to the job API's own {@code POST /jobs/{id}/replay}. Every answer passes
 * {@link ConsoleFilter} (security headers; 405, 413, 414 and 500 as JSON), and so do the port's unknown paths.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final String JS = "text/javascript; charset=utf-8";
    private static final Map<String, String> ASSETS = Map.of("index.html", "text/html; charset=utf-8",
            "app.css", "text/css; charset=utf-8", "favicon.svg", "image/svg+xml", "app.js", JS, "jobs.js", JS,
            "job.js", JS, "branch.js", JS, "dead-letters.js", JS, "fleet.js", JS);

    private final JobStatusServer status;
    private final ConsoleSettings settings;
    private final ConsoleData data;
    private final ConsoleFeed feed;
    private final Thread feedThread;
    private final EventStream streams;
    private final Cut cut;
    private final Map<String, byte[]> assets = new HashMap<>();

    private ConsoleServer(JobStatusServer status, ConsoleSettings settings, ConsoleData data, ConsoleFeed feed,
                          Clock clock) {
        this.status = status;
        this.settings = settings;
        this.data = data;
        this.feed = feed;
        this.streams = new EventStream(settings, clock);
        this.cut = new Cut(settings.maxNameChars());
        ASSETS.keySet().forEach(name -> assets.put(name, resource(name)));
        this.feedThread = Thread.ofPlatform().name("braid-console-feed").daemon().start(feed);
    }

    /** Starts the console's feed and serves the console on {@code status}'s port. */
    public static ConsoleServer start(JobStatusServer status, ConsoleSettings settings,
                                      io.braid.schema.kafka.KafkaConnection kafka,
                                      io.braid.schema.registry.SchemaRegistry registry, io.braid.schema.Topics topics,
                                      Clock clock, JoinQueries join, TaskBacklog backlog,
                                      Supplier<List<String>> instances) {
        FleetStats fleet = new FleetStats(clock, settings);
        JobIndex jobs = new JobIndex(settings, fleet);
        DeadLetterLog deadLetters = new DeadLetterLog(settings.maxDeadLetters(), settings.maxOutputChars(),
                new Cut(settings.maxNameChars()));
        WorkerStatuses workers = new WorkerStatuses(clock, settings);
        ConsoleFeed feed = new ConsoleFeed(kafka, registry, topics, settings.history(), clock, jobs, deadLetters,
                fleet, () -> backlog == null || backlog.latest() == null ? -1 : backlog.latest().total(), workers);
        ConsoleData data = new ConsoleData(settings, jobs, deadLetters, fleet, join, backlog, instances, clock,
                workers);
        ConsoleServer console = new ConsoleServer(status, settings, data, feed, clock);
        ConsoleFilter filter = new ConsoleFilter(settings.maxNameChars());
        status.serve("/console", console::handle).getFilters().add(filter);
        status.serve("/", ConsoleFilter.unknownPaths()).getFilters().add(filter);
        return console;
    }

    /** Answers one request; {@link ConsoleFilter} closes the exchange (and answers a failure here with 500). */
    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (path.startsWith("/console/api/")) {
            api(exchange, path.substring("/console/api/".length()));
        } else if (path.equals("/console")) {
            exchange.getResponseHeaders().set("Location", "/console/");
            exchange.sendResponseHeaders(308, -1);
        } else if (path.startsWith("/console/")) {
            asset(exchange, path.substring("/console/".length()));
        } else {
            json(exchange, 404, error("no such page; the console is at /console/"));
        }
    }

    private void asset(HttpExchange exchange, String name) throws IOException {
        String file = name.isEmpty() ? "index.html" : name;
        byte[] bytes = assets.get(file);
        if (bytes == null) {
            json(exchange, 404, error("no such page; the console is at /console/"));
            return;
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("Content-Type", ASSETS.get(file));
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void api(HttpExchange exchange, String rest) throws IOException {
        Optional<ApiTokens.Caller> caller = status.guard().admit(exchange, ApiTokens.Scope.READ);
        if (caller.isEmpty()) {
            return;
        }
        String[] parts = rest.split("/", -1);
        try {
            route(exchange, parts, query(exchange.getRequestURI().getRawQuery(), cut), caller.get());
        } catch (IllegalArgumentException e) {
            json(exchange, 400, error(e.getMessage()));
        }
    }

    private void route(HttpExchange exchange, String[] parts, Map<String, String> query, ApiTokens.Caller caller)
            throws IOException {
        String first = parts[0];
        if (parts.length == 1 && first.equals("whoami")) {
            takes(query, "whoami");
            json(exchange, 200, JobEntry.JSON.createObjectNode().put("name", caller.name())
                    .put("scope", caller.scope().name().toLowerCase(java.util.Locale.ROOT))
                    .put("maxOutputChars", settings.maxOutputChars()).toString());
        } else if (parts.length == 1 && first.equals("jobs")) {
            takes(query, "jobs", "status", "tenant", "sinceMinutes", "q", "limit");
            json(exchange, 200, data.jobs(query).toString());
        } else if (parts.length == 1 && first.equals("dead-letters")) {
            takes(query, "dead-letters", "sinceMinutes", "error", "job", "limit");
            json(exchange, 200, data.deadLetters(query).toString());
        } else if (parts.length == 1 && first.equals("fleet")) {
            takes(query, "fleet");
            json(exchange, 200, data.fleet().toString());
        } else if (parts.length >= 2 && first.equals("jobs") && !parts[1].isEmpty()) {
            job(exchange, decode(parts[1]), parts, query, caller.name());
        } else {
            json(exchange, 404, error("no such console endpoint"));
        }
    }

    private void job(HttpExchange exchange, String jobId, String[] parts, Map<String, String> query, String caller)
            throws IOException {
        takes(query, "jobs/{jobId}/...", parts.length >= 4 ? new String[] {"from"} : new String[0]);
        if (parts.length == 2) {
            Optional<ObjectNode> timeline = data.timeline(jobId);
            json(exchange, timeline.isPresent() ? 200 : 404, timeline.map(ObjectNode::toString)
                    .orElseGet(() -> error(unknown(jobId))));
        } else if (parts.length == 3 && parts[2].equals("stream")) {
            stream(exchange, jobId, caller);
        } else if ((parts.length == 4 || parts.length == 5) && parts[2].equals("branches") && !parts[3].isEmpty()) {
            boolean whole = parts.length == 5 && parts[4].equals("output");
            if (parts.length == 5 && !whole) {
                json(exchange, 404, error("no such console endpoint"));
                return;
            }
            ConsoleData.Answer answer = data.branch(jobId, decode(parts[3]), whole, "forwarded".equals(
                    query.get("from")), exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestURI().getRawPath());
            if (whole && answer.status() == 200) {
                exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"output.txt\"");
                HttpReplies.send(exchange, 200, "text/plain; charset=utf-8", answer.body());
            } else {
                json(exchange, answer.status(), answer.body());
            }
        } else {
            json(exchange, 404, error("no such console endpoint"));
        }
    }

    private void stream(HttpExchange exchange, String jobId, String caller) throws IOException {
        Optional<ObjectNode> timeline = data.timeline(jobId);
        if (timeline.isEmpty()) {
            json(exchange, 404, error(unknown(jobId)));
            return;
        }
        Optional<String> refused = streams.tryOpen(caller);
        if (refused.isPresent()) {
            json(exchange, 429, error(refused.get()));
        } else {
            streams.serve(exchange, data.jobs(), jobId, timeline.get().toString(), caller);
        }
    }

    /** Refuses a query parameter {@code endpoint} does not take, naming it and those it takes. */
    private void takes(Map<String, String> query, String endpoint, String... names) {
        List<String> known = List.of(names);
        for (String key : query.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown query parameter '" + cut.name(key) + "'; /console/api/"
                        + endpoint + " takes " + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
    }

    static String unknown(String jobId) {
        return "no job '" + jobId + "' among the recent jobs this console knows (it reads the topics back "
                + "for --console-history and keeps the newest --console-max-jobs)";
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * The query's parameters; a parameter that is not URL-encoded, or longer than a name may be, is refused naming
     * it.
     */
    static Map<String, String> query(String raw, Cut cut) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String rawKey = eq < 0 ? pair : pair.substring(0, eq);
            String key = decoded(rawKey, rawKey, cut);
            String value = eq < 0 ? "" : decoded(key, pair.substring(eq + 1), cut);
            if (value.length() > cut.nameChars()) {
                throw new IllegalArgumentException("query parameter '" + cut.name(key) + "' is " + value.length()
                        + " characters, over the limit of " + cut.nameChars() + " (--console-max-name-chars)");
            }
            if (!value.isBlank()) {
                params.put(key, value.strip());
            }
        }
        return params;
    }

    private static String decoded(String parameter, String raw, Cut cut) {
        try {
            return decode(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("query parameter '" + cut.name(parameter)
                    + "' is not URL-encoded (" + e.getMessage() + ")");
        }
    }

    static String error(String message) {
        return "{\"error\":" + TextNode.valueOf(message) + "}";
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        HttpReplies.send(exchange, status, "application/json", body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleServer.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the orchestrator's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        streams.close();
        feed.close();
        try {
            feedThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
