package io.braid.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Routes the Confluent Schema Registry REST API onto a {@link SchemaStore}, answering errors in Confluent's
 * format ({@code error_code}, {@code message}).
 */
public final class RegistryHttpHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final SchemaStore store;

    public RegistryHttpHandler(SchemaStore store) {
        this.store = store;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            List<String> path = segments(exchange.getRequestURI().getRawPath());
            try {
                Answer answer = route(method, path, exchange);
                send(exchange, answer.status(), answer.body());
            } catch (RegistryError e) {
                send(exchange, e.httpStatus(), error(e.errorCode(), e.getMessage()));
            } catch (RuntimeException e) {
                log.warn("schema registry request {} {} failed", method, exchange.getRequestURI(), e);
                send(exchange, 500, error(50001, "Error in the backend data store: " + e.getMessage()));
            }
        }
    }

    private record Answer(int status, String body) {
        static Answer ok(Object json) {
            return new Answer(200, json instanceof String s ? s : json.toString());
        }
    }

    private Answer route(String method, List<String> path, HttpExchange exchange) throws IOException {
        int size = path.size();
        if (size == 0 && method.equals("GET")) {
            return Answer.ok("{}");
        }
        String root = path.get(0);
        if (root.equals("schemas") && size >= 3 && path.get(1).equals("ids") && method.equals("GET")) {
            int id = parseInt(path.get(2), 40403, "schema id");
            String schema = store.schemaById(id)
                    .orElseThrow(() -> new RegistryError(404, 40403, "Schema " + id + " not found"));
            if (size == 4 && path.get(3).equals("schema")) {
                return Answer.ok(schema);
            }
            return Answer.ok(JSON.createObjectNode().put("schema", schema));
        }
        if (root.equals("subjects")) {
            return subjects(method, path, exchange);
        }
        if (root.equals("config") && size <= 2) {
            return config(method, size == 2 ? path.get(1) : null, exchange);
        }
        if (root.equals("compatibility") && size >= 4 && path.get(1).equals("subjects")
                && path.get(3).equals("versions") && method.equals("POST")) {
            String subject = path.get(2);
            Integer version = null;
            if (size == 5 && !path.get(4).equals("latest")) {
                version = parseInt(path.get(4), 42202, "version");
                int wanted = version;
                if (existingVersions(subject).stream().noneMatch(v -> v.version() == wanted)) {
                    throw new RegistryError(404, 40402, "Version " + wanted + " not found.");
                }
            } else if (size == 5) {
                List<SchemaStore.Version> versions = existingVersions(subject);
                version = versions.get(versions.size() - 1).version();
            }
            List<String> problems = store.compatibilityProblems(subject, schemaOf(exchange), version);
            ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            if (query(exchange).contains("verbose=true")) {
                problems.forEach(answer.putArray("messages")::add);
            }
            return Answer.ok(answer);
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found: " + method + " /" + String.join("/", path));
    }

    private Answer subjects(String method, List<String> path, HttpExchange exchange) throws IOException {
        int size = path.size();
        if (size == 1 && method.equals("GET")) {
            ArrayNode subjects = JSON.createArrayNode();
            store.subjects().forEach(subjects::add);
            return Answer.ok(subjects);
        }
        String subject = path.get(1);
        if (size == 2 && method.equals("POST")) {
            String schema = schemaOf(exchange);
            SchemaStore.Version version = store.lookup(subject, schema).orElseThrow(() -> store.versions(subject)
                    .isEmpty() ? subjectNotFound(subject) : new RegistryError(404, 40403, "Schema not found"));
            return Answer.ok(describe(version));
        }
        if (size == 3 && path.get(2).equals("versions")) {
            if (method.equals("POST")) {
                SchemaStore.Version version = store.register(subject, schemaOf(exchange));
                return Answer.ok(JSON.createObjectNode().put("id", version.id()));
            }
            if (method.equals("GET")) {
                List<SchemaStore.Version> versions = existingVersions(subject);
                ArrayNode numbers = JSON.createArrayNode();
                versions.forEach(v -> numbers.add(v.version()));
                return Answer.ok(numbers);
            }
        }
        if (size == 4 && path.get(2).equals("versions") && method.equals("GET")) {
            List<SchemaStore.Version> versions = existingVersions(subject);
            String wanted = path.get(3);
            if (wanted.equals("latest") || wanted.equals("-1")) {
                return Answer.ok(describe(versions.get(versions.size() - 1)));
            }
            int number = parseInt(wanted, 42202, "version");
            return Answer.ok(describe(versions.stream().filter(v -> v.version() == number).findFirst()
                    .orElseThrow(() -> new RegistryError(404, 40402, "Version " + number + " not found."))));
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found: " + method + " /" + String.join("/", path));
    }

    /** {@code GET|PUT /config} (global) and {@code /config/{subject}}, as Confluent's registry answers them. */
    private Answer config(String method, String subject, HttpExchange exchange) throws IOException {
        if (method.equals("PUT")) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String level = body == null ? null : body.path("compatibility").asText(null);
            return Answer.ok(JSON.createObjectNode().put("compatibility", store.setLevel(subject, level)));
        }
        if (!method.equals("GET")) {
            throw new RegistryError(405, 405, "HTTP 405 Method Not Allowed: use GET or PUT on /config");
        }
        if (subject != null && store.configuredLevel(subject).isEmpty()
                && !query(exchange).contains("defaultToGlobal=true")) {
            throw new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level "
                    + "compatibility configured");
        }
        return Answer.ok(JSON.createObjectNode().put("compatibilityLevel", store.level(subject).name()));
    }

    private static String query(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        return query == null ? "" : query;
    }

    private List<SchemaStore.Version> existingVersions(String subject) {
        List<SchemaStore.Version> versions = store.versions(subject);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions;
    }

    private static RegistryError subjectNotFound(String subject) {
        return new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
    }

    private static ObjectNode describe(SchemaStore.Version version) {
        return JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
                .put("id", version.id()).put("schema", version.schema());
    }

    private static String schemaOf(HttpExchange exchange) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(exchange.getRequestBody());
        } catch (IOException e) {
            throw new RegistryError(422, 42201, "Invalid schema: the request body is not JSON: " + e.getMessage());
        }
        String type = body == null ? "AVRO" : body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new RegistryError(422, 42201, "Invalid schema: schemaType " + type
                    + " is not supported by this registry (AVRO only)");
        }
        if (body == null || !body.path("schema").isTextual()) {
            throw new RegistryError(422, 42201, "Invalid schema: the body needs a \"schema\" string");
        }
        return body.get("schema").textValue();
    }

    private static int parseInt(String text, int errorCode, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(errorCode == 42202 ? 422 : 404, errorCode, "invalid " + what + " '" + text + "'");
        }
    }

    private static String error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message).toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static List<String> segments(String rawPath) {
        return java.util.Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    }
}
