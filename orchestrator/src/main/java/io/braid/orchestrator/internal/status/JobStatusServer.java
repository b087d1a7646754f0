package io.braid.orchestrator.internal.status;

import io.braid.orchestrator.ApiTokens;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.node.TextNode;
import io.braid.orchestrator.internal.aggregate.JoinQueries;
import io.braid.orchestrator.internal.aggregate.Replay;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobJoinState;
import io.braid.schema.http.HttpReplies;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The orchestrator's job API.
 * <ul>
 *   <li>{@code GET /jobs/{jobId}}: a job's status from the aggregator's state store (Kafka Streams interactive
 *       queries). Whichever instance is asked answers: when another instance owns the job's partition, the request
 *       is forwarded to it (its {@code application.server}) and its answer relayed. 404 when no orchestrator holds
 *       the job (never seen, or finished longer ago than the retention); 503 while the aggregator rebalances.</li>
 *   <li>{@code POST /jobs/{jobId}/replay} with an optional JSON body {@code {"branches": [...], "model": "...",
 *       "dryRun": true}}: with dryRun, what a replay would do now (200); otherwise the request is written to the
 *       control topic (202) and the aggregator decides — follow it with GET.</li>
 *   <li>{@code POST /jobs/{jobId}/cancel} with an optional {@code {"reason": "..."}}: the cancel is written to the
 *       control topic (202).</li>
 * </ul>
 * Every job request passes {@link ApiGuard} first: GET and dry runs need scope read, cancel and replay operate;
 * each accepted cancel or replay is logged as one audit line (who, what, job, remote address). A request
 * forwarded to the instance holding the job carries the caller's {@code Authorization} along.
 */
public final class JobStatusServer implements AutoCloseable {

    private static final String PREFIX = "/jobs/";
    private static final String FORWARDED = "forwarded=1";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static final org.slf4j.Logger audit = org.slf4j.LoggerFactory.getLogger("io.braid.audit");

    private final HttpServer server;
    private final ApiGuard guard;
    private volatile java.util.function.Consumer<String> auditLog = audit::info;
    private final PeerClient peers;
    private final String instanceId;
    private final java.util.function.Consumer<JobControl> controls;
    private volatile JoinQueries join;

    private JobStatusServer(HttpServer server, ApiGuard guard, String instanceId,
                            java.util.function.Consumer<JobControl> controls, PeerClient peers) {
        this.server = server;
        this.peers = peers;
        this.guard = guard;
        this.instanceId = instanceId;
        this.controls = controls;
    }

    /**
     * Binds the port now (0 = any free one), so the aggregator can advertise it; serves once attached.
     * {@code controls} writes a command to the control topic (and throws when it cannot). {@code tokens} may be
     * empty only when {@code bindAddress} is loopback (checked by {@code OrchestratorOptions}).
     */
    public static JobStatusServer bind(String bindAddress, int port, ApiTokens tokens, String instanceId,
                                       java.util.function.Consumer<JobControl> controls, PeerClient peers) {
        try {
            InetAddress address = InetAddress.getByName(bindAddress);
            HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
            JobStatusServer status = new JobStatusServer(server, new ApiGuard(tokens, address), instanceId,
                    controls, peers);
            server.createContext(PREFIX, status::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve job status on " + bindAddress + ":" + port + ": "
                    + e.getMessage() + "; choose another with --http-bind / --http-port", e);
        }
    }

    /**
     * Serves {@code handler} under {@code path} on the API's port (the web console's pages and data); the handler
     * checks callers with {@link #guard()}. The context is returned for its filters.
     */
    public com.sun.net.httpserver.HttpContext serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        return server.createContext(path, handler);
    }

    /** The API's checks (Host, bearer token and scope), for other endpoints on its port. */
    public ApiGuard guard() {
        return guard;
    }

    /** Where audit lines go instead of the {@code io.braid.audit} logger (tests read them). */
    void auditTo(java.util.function.Consumer<String> lines) {
        this.auditLog = lines;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts answering from the aggregator that {@code join} queries. */
    public void attach(JoinQueries join) {
        this.join = join;
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath().substring(PREFIX.length());
            if ("POST".equals(exchange.getRequestMethod())) {
                handleCommand(exchange, rawPath);
                return;
            }
            Optional<ApiTokens.Caller> caller = guard.admit(exchange, ApiTokens.Scope.READ);
            if (caller.isEmpty()) {
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, error("use GET /jobs/{jobId}, POST /jobs/{jobId}/replay or /cancel"));
                return;
            }
            String rawId = rawPath;
            if (rawId.isBlank() || rawId.contains("/")) {
                respond(exchange, 400, error("ask for GET /jobs/{jobId}, the id URL-encoded (a child job's '/' as "
                        + "%2F)"));
                return;
            }
            String jobId = URLDecoder.decode(rawId, StandardCharsets.UTF_8);
            boolean forwarded = FORWARDED.equals(exchange.getRequestURI().getRawQuery());
            Answer answer = answer(jobId, forwarded, authorization(exchange));
            respond(exchange, answer.status(), answer.body());
        }
    }

    private record Answer(int status, String body) {
    }

    private void handleCommand(HttpExchange exchange, String rawPath) throws IOException {
        int slash = rawPath.lastIndexOf('/');
        String command = slash < 0 ? "" : rawPath.substring(slash + 1);
        String rawId = slash < 0 ? "" : rawPath.substring(0, slash);
        if (rawId.isBlank() || rawId.contains("/") || !(command.equals("replay") || command.equals("cancel"))) {
            respond(exchange, 404, error("POST /jobs/{jobId}/replay or /jobs/{jobId}/cancel"));
            return;
        }
        String jobId = URLDecoder.decode(rawId, StandardCharsets.UTF_8);
        Optional<ApiTokens.Caller> caller = guard.admit(exchange, ApiTokens.Scope.READ);
        byte[] bytes = caller.isEmpty() ? null : guard.body(exchange);
        if (bytes == null) {
            return;
        }
        com.fasterxml.jackson.databind.JsonNode body;
        String text;
        try {
            text = new String(bytes, StandardCharsets.UTF_8);
            body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            respond(exchange, 400, error("the body is not JSON: " + e.getMessage()));
            return;
        }
        JobControl.Builder control = JobControl.newBuilder().setJobId(jobId).setRound(0).setAt(java.time.Instant.now());
        if (command.equals("cancel")) {
            control.setAction(ControlAction.CANCEL).setReason(body.path("reason").asText("cancelled over HTTP"));
        } else {
            java.util.List<String> branches = new java.util.ArrayList<>();
            body.path("branches").forEach(b -> branches.add(b.asText()));
            control.setAction(ControlAction.REPLAY).setReason("replay requested over HTTP").setBranches(branches)
                    .setModel(body.hasNonNull("model") ? body.get("model").asText() : null);
            if (body.path("dryRun").asBoolean(false)) {
                Answer preview = preview(control.build(), rawPath, text,
                        FORWARDED.equals(exchange.getRequestURI().getRawQuery()), authorization(exchange));
                respond(exchange, preview.status(), preview.body());
                return;
            }
        }
        if (!caller.get().scope().allows(ApiTokens.Scope.OPERATE)) {
            respond(exchange, 403, error("token '" + caller.get().name() + "' has scope read; " + command
                    + " needs scope operate (a replay dry run needs only read)"));
            return;
        }
        auditLog.accept("audit who=" + caller.get().name() + " what=" + command + " job=" + TextNode.valueOf(jobId)
                + " from=" + exchange.getRemoteAddress().getAddress().getHostAddress());
        try {
            controls.accept(control.build());
        } catch (RuntimeException e) {
            respond(exchange, 503, error("cannot write the " + command + " to the control topic: " + e.getMessage()));
            return;
        }
        respond(exchange, 202, "{\"accepted\":\"" + command + "\",\"jobId\":" + TextNode.valueOf(jobId)
                + ",\"follow\":" + TextNode.valueOf(PREFIX + URLEncoder.encode(jobId, StandardCharsets.UTF_8)) + "}");
    }

    /** A replay dry run, answered from the state of the instance that holds the job (forwarded there once). */
    private Answer preview(JobControl control, String rawPath, String body, boolean forwarded,
                           String authorization) {
        JoinQueries.Owner owner = join.owner(control.getJobId());
        if (owner instanceof JoinQueries.Owner.Unknown) {
            return REBALANCING;
        }
        if (owner instanceof JoinQueries.Owner.Elsewhere there && forwarded) {
            return forwardedAgain(there);
        }
        if (owner instanceof JoinQueries.Owner.Elsewhere there) {
            return send(HttpRequest.newBuilder(URI.create("http://" + there.host() + ":" + there.port() + PREFIX
                    + rawPath + "?" + FORWARDED)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)), there, authorization);
        }
        try {
            Replay.Preview preview = join.previewReplay(control, java.time.Instant.now());
            return new Answer(200, "{\"wouldReplay\":" + preview.wouldReplay() + ",\"message\":"
                    + TextNode.valueOf(preview.message()) + "}");
        } catch (JoinQueries.NotReady e) {
            return notReady(e);
        }
    }

    /**
     * A request marked forwarded whose job this instance does not hold either (the instances disagree while the
     * aggregator rebalances, or the mark was forged): 503, never forwarded again.
     */
    private static Answer forwardedAgain(JoinQueries.Owner.Elsewhere there) {
        return new Answer(503, error("this request came forwarded (" + FORWARDED + ") but this orchestrator does not "
                + "hold the job either (its partition is on " + there.host() + ":" + there.port() + "); ask again "
                + "shortly, without " + FORWARDED));
    }

    private static final Answer REBALANCING = new Answer(503,
            error("the aggregator is rebalancing or restoring; ask again shortly"));

    private static Answer notReady(JoinQueries.NotReady e) {
        return new Answer(503, error(e.getMessage() + "; ask again shortly"));
    }

    private Answer answer(String jobId, boolean forwarded, String authorization) {
        JoinQueries.Owner owner = join.owner(jobId);
        if (owner instanceof JoinQueries.Owner.Unknown) {
            return REBALANCING;
        }
        if (owner instanceof JoinQueries.Owner.Elsewhere there) {
            return forwarded ? forwardedAgain(there) : forward(there, jobId, authorization);
        }
        try {
            return join.state(jobId).map(state -> new Answer(200, JobStatusView.json(state, instanceId)))
                    .orElseGet(() -> new Answer(404, error("no job '" + jobId + "' here: never submitted, not "
                            + "dispatched yet, or finished longer ago than the retention (its result stays on the "
                            + "job-results topic)")));
        } catch (JoinQueries.NotReady e) {
            return notReady(e);
        }
    }

    private Answer forward(JoinQueries.Owner.Elsewhere owner, String jobId, String authorization) {
        return send(HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + PREFIX
                + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20") + "?" + FORWARDED)), owner,
                authorization);
    }

    /** The caller's Authorization header, passed along when a request is forwarded; null when none was sent. */
    private static String authorization(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Authorization");
    }

    private Answer send(HttpRequest.Builder request, JoinQueries.Owner.Elsewhere owner, String authorization) {
        PeerClient.Answer answer = peers.send(request, owner.host() + ":" + owner.port(), authorization);
        return new Answer(answer.status(), answer.body());
    }

    /** {@code {"error": message}}, the job API's (and a forwarding failure's) error body. */
    static String error(String message) {
        return "{\"error\":" + TextNode.valueOf(message) + "}";
    }

    /** What the health endpoints report. */
    public record Health(boolean live, boolean ready, String aggregatorState, boolean dispatcherAlive,
                         String problem, long deadLetters, java.time.Instant lastDeadLetterAt) {
        String json() {
            com.fasterxml.jackson.databind.node.ObjectNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                    .createObjectNode().put("live", live).put("ready", ready).put("aggregator", aggregatorState)
                    .put("dispatcherAlive", dispatcherAlive).put("deadLetters", deadLetters);
            if (problem != null) {
                json.put("problem", problem);
            }
            if (lastDeadLetterAt != null) {
                json.put("lastDeadLetterAt", lastDeadLetterAt.toString());
            }
            return json.toString();
        }
    }

    /**
     * Serves, next to the job endpoints: {@code GET /health/live} (200 while the dispatcher and the aggregator
     * run or recover, 503 when one died: restart me), {@code GET /health/ready} (200 while the aggregator is
     * RUNNING), {@code GET /metrics} (Prometheus text) and {@code GET /backlog} (the worker fleet's task backlog as
     * JSON, for autoscalers).
     */
    public void serveOperations(java.util.function.Supplier<Health> health,
                                java.util.function.Supplier<String> prometheusText,
                                java.util.function.Supplier<String> backlogJson) {
        server.createContext("/health/live", exchange -> {
            try (exchange) {
                Health now = health.get();
                respond(exchange, now.live() ? 200 : 503, now.json());
            }
        });
        server.createContext("/health/ready", exchange -> {
            try (exchange) {
                Health now = health.get();
                respond(exchange, now.ready() ? 200 : 503, now.json());
            }
        });
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                HttpReplies.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheusText.get());
            }
        });
        server.createContext("/backlog", exchange -> {
            try (exchange) {
                String body = backlogJson.get();
                respond(exchange, body == null ? 503 : 200, body == null
                        ? error("the backlog has not been measured yet; try again in a few seconds") : body);
            }
        });
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        HttpReplies.send(exchange, status, "application/json", body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
