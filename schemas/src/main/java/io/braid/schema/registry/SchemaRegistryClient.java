package io.braid.schema.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A caching client for the Confluent Schema Registry REST API (Confluent, Apicurio's ccompat API, Karapace, the
 * embedded registry).
 *
 * <p>Ids are immutable in that API, so {@link #schemaById} and {@link #register} answers are cached for the life
 * of the client (a failed call is not cached: the next one asks again); {@link #latest} always asks the registry.
 * A call that fails transiently (connection error, timeout, 408, 429, 5xx) is tried again as
 * {@link RegistryClientOptions} says (3 requests with a growing pause by default), then answered with a
 * {@linkplain SchemaRegistryException#retriable() retriable} exception; any other error is answered at once. Basic
 * authentication comes from the URL's user info ({@code https://user:secret@registry:8081}, as Confluent's
 * {@code basic.auth.user.info}; percent-decoded once, see {@link RegistryUrl}); TLS uses the JVM's trust store ({@code javax.net.ssl.trustStore} and friends).
 */
public final class SchemaRegistryClient implements SchemaRegistry {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUri;
    private final String authorization;
    private final HttpClient http;
    private final RegistryClientOptions options;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, RegistryClientOptions.defaults());
    }

    public SchemaRegistryClient(String baseUrl, Duration requestTimeout) {
        this(baseUrl, RegistryClientOptions.defaults().withRequestTimeout(requestTimeout));
    }

    public SchemaRegistryClient(String baseUrl, RegistryClientOptions options) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.options = Objects.requireNonNull(options, "options");
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://")) {
            throw new IllegalArgumentException("schema registry URL '" + RegistryUrl.redacted(baseUrl)
                    + "' must start with http:// or https://, e.g. http://127.0.0.1:8081");
        }
        RegistryUrl parsed = RegistryUrl.parse(trimmed);
        this.authorization = parsed.authorization();
        try {
            this.baseUri = URI.create(parsed.url());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schema registry URL '" + RegistryUrl.redacted(baseUrl)
                    + "' is not a URL; percent-encode special characters in the user name and password", e);
        }
        this.http = HttpClient.newBuilder().connectTimeout(options.requestTimeout()).build();
    }

    public String baseUrl() {
        return baseUri.toString();
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", body);
        int id = idIn(answer, "registering subject " + subject);
        schemasById.putIfAbsent(id, schema);
        idsBySubjectSchema.putIfAbsent(key, id);
        return id;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The HTTP call is made outside any lock of the cache, so a slow registry holds only the callers asking for
     * this id.
     */
    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        Schema schema = parse(schemaIn(answer, "schema id " + id), "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        int id = idIn(answer, "subject " + subject);
        Schema schema = schemasById.computeIfAbsent(id,
                key -> parse(schemaIn(answer, "subject " + subject), "subject " + subject));
        return new RegisteredSchema(subject, answer.path("version").asInt(), id, schema);
    }

    /** {@inheritDoc} Confluent's {@code PUT /config/{subject}} with {@code {"compatibility": level}}. */
    @Override
    public void setCompatibility(String subject, String level) {
        call("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level));
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("the registry returned an Avro schema for " + what
                    + " that does not parse: " + e.getMessage(), 200, 0);
        }
    }

    /** The id of a 2xx answer; an answer without one is not a registry's (a proxy, a wrong URL): retriable. */
    private int idIn(JsonNode answer, String what) {
        JsonNode id = answer.path("id");
        if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 1) {
            throw notARegistryAnswer(what, answer);
        }
        return id.intValue();
    }

    private String schemaIn(JsonNode answer, String what) {
        JsonNode schema = answer.path("schema");
        if (!schema.isTextual()) {
            throw notARegistryAnswer(what, answer);
        }
        return schema.textValue();
    }

    private SchemaRegistryException notARegistryAnswer(String what, JsonNode answer) {
        String shown = answer.toString();
        return new SchemaRegistryException("the schema registry at " + baseUri + " answered " + what
                + " without a valid id and schema (" + (shown.length() > 80 ? shown.substring(0, 77) + "..." : shown)
                + "); check --registry-url points at a schema registry", 200, 0, true);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUri + path))
                .timeout(options.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = send(request.build());
        JsonNode answer = readJson(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = answer.path("message").asText(response.body());
            throw new SchemaRegistryException("schema registry " + method + " " + path + " answered "
                    + response.statusCode() + ": " + message, response.statusCode(),
                    answer.path("error_code").asInt(response.statusCode()));
        }
        return answer;
    }

    /**
     * Sends {@code request} up to {@link RegistryClientOptions#attempts()} times while it fails transiently; the
     * last answer, or a retriable exception when the registry could not be reached at all.
     */
    private HttpResponse<String> send(HttpRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (!SchemaRegistryException.retriableStatus(response.statusCode()) || attempt >= options.attempts()) {
                    return response;
                }
            } catch (IOException e) {
                if (attempt >= options.attempts()) {
                    throw new SchemaRegistryException("cannot reach the schema registry at " + baseUri + " (" + e
                            + ", " + attempt + " attempts); check --registry-url and that the registry is running", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling the schema registry at " + baseUri, e);
            }
            pause(options.pauseAfter(attempt));
        }
    }

    /** The pause between attempts of a failed call (a retry backoff, not a wait for a condition). */
    private void pause(Duration duration) {
        try {
            options.pause().sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while retrying the schema registry at " + baseUri, e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", text);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
