package io.braid.examples.travel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

/**
 * The bundled <b>sample data</b> the example travel tools search: a few flights, hotels and events. A real plugin
 * would call a flights, hotels or events API here; every answer says where it came from.
 */
final class SampleData {

    static final String SOURCE = "sample data bundled with examples/travel-tools, not a live API";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DATA = load();

    private SampleData() {
    }

    /** The entries of {@code section} matching {@code filter}, sorted by {@code sortField}, as a JSON answer. */
    static String search(String section, Predicate<JsonNode> filter, String sortField, ObjectNode query) {
        List<JsonNode> matches = StreamSupport.stream(DATA.get(section).spliterator(), false).filter(filter)
                .sorted(Comparator.comparingDouble(entry -> entry.path(sortField).asDouble())).toList();
        ObjectNode answer = JSON.createObjectNode().put("source", SOURCE);
        answer.set("query", query);
        ArrayNode results = answer.putArray(section);
        matches.forEach(results::add);
        return answer.toString();
    }

    static boolean same(JsonNode entry, String field, String wanted) {
        return entry.path(field).asText().toLowerCase(Locale.ROOT).equals(wanted.trim().toLowerCase(Locale.ROOT));
    }

    private static JsonNode load() {
        try (InputStream in = SampleData.class.getResourceAsStream("/travel-sample-data.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the travel sample data", e);
        }
    }
}
