package io.braid.schema.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * of the client; {@link #latest} always asks the registry. A call that fails on a connection error or a 5xx is
 * tried again, up to {@value #ATTEMPTS} times with a growing pause; a 4xx is answered at once. Basic
 * authentication comes from the URL's user info ({@code https://user:secret@registry:8081}, as Confluent's
 * {@code basic.auth.user.info}); TLS uses the JVM's trust store ({@code javax.net.ssl.trustStore} and friends).
 */
public final class SchemaRegistryClient implements SchemaRegistry {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int ATTEMPTS = 3;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);

    private final URI baseUri;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(10));
    }

    public SchemaRegistryClient(String baseUrl, Duration requestTimeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://")) {
            throw new IllegalArgumentException("schema registry URL '" + baseUrl
                    + "' must start with http:// or https://, e.g. http://127.0.0.1:8081");
        }
        URI uri = URI.create(trimmed);
        String userInfo = uri.getRawUserInfo();
        this.authorization = userInfo == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                URLDecoder.decode(userInfo, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        this.baseUri = userInfo == null ? uri : URI.create(trimmed.replace(userInfo + "@", ""));
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    public String baseUrl() {
        return baseUri.toString();
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
            JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", body);
            int id = answer.path("id").asInt();
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            JsonNode answer = call("GET", "/schemas/ids/" + id, null);
            return parse(answer.path("schema").asText(), "schema id " + id);
        });
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        int id = answer.path("id").asInt();
        Schema schema = schemasById.computeIfAbsent(id,
                key -> parse(answer.path("schema").asText(), "subject " + subject));
        return new RegisteredSchema(subject, answer.path("version").asInt(), id, schema);
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("the registry returned an Avro schema for " + what
                    + " that does not parse: " + e.getMessage(), 200, 0);
        }
    }

    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUri + path))
                .timeout(requestTimeout)
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
        HttpResponse<String> response = null;
        for (int attempt = 1; ; attempt++) {
            IOException failure = null;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling the schema registry at " + baseUri, e);
            }
            boolean retriable = failure != null || response.statusCode() >= 500;
            if (!retriable || attempt >= ATTEMPTS) {
                if (failure != null) {
                    throw new SchemaRegistryException("cannot reach the schema registry at " + baseUri + " ("
                            + failure + ", " + attempt + " attempts); check --registry-url and that the registry is "
                            + "running", failure);
                }
                break;
            }
            pause(FIRST_PAUSE.multipliedBy(1L << (attempt - 1)));
        }
        JsonNode answer = readJson(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = answer.path("message").asText(response.body());
            throw new SchemaRegistryException("schema registry " + method + " " + path + " answered "
                    + response.statusCode() + ": " + message, response.statusCode(),
                    answer.path("error_code").asInt(response.statusCode()));
        }
        return answer;
    }

    /** The pause between attempts of a failed call (a retry backoff, not a wait for a condition). */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while retrying the schema registry", e);
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
