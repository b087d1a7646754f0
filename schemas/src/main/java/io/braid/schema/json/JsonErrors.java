package io.braid.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;

import java.util.Comparator;
import java.util.List;

/** The messages of {@link JsonRecordException}: the path of the value, what was expected, what was given. */
final class JsonErrors {

    private static final int SHOWN = 60;

    private JsonErrors() {
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String where(String path) {
        return path.isEmpty() ? "the record" : path;
    }

    static JsonRecordException expected(String path, String expected, JsonNode actual) {
        return new JsonRecordException(where(path) + ": expected " + expected + ", got " + shown(actual));
    }

    /** A short rendering of a value: scalars as JSON (cut to 60 characters), containers by their kind. */
    static String shown(JsonNode node) {
        if (node.isObject()) {
            return "a JSON object";
        }
        if (node.isArray()) {
            return "a JSON array";
        }
        String text = node.toString();
        return text.length() > SHOWN ? text.substring(0, SHOWN - 3) + "..." : text;
    }

    /** What a value of {@code schema} is, in JSON words. */
    static String describe(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, MAP -> "a JSON object";
            case ARRAY -> "a JSON array";
            case STRING -> "a string";
            case ENUM -> "one of " + schema.getEnumSymbols();
            case INT, LONG -> "a whole number";
            case DOUBLE, FLOAT -> "a number";
            case BOOLEAN -> "true or false";
            default -> schema.getType().getName();
        };
    }

    static JsonRecordException unknownField(String path, String name, Schema record) {
        List<String> fields = record.getFields().stream().map(Schema.Field::name).toList();
        String closest = name.length() > 64 ? null : fields.stream()
                .filter(f -> distance(f, name) <= 2)
                .min(Comparator.comparingInt(f -> distance(f, name)))
                .orElse(null);
        return new JsonRecordException(path + ": unknown field" + (closest == null ? "" : " (did you mean '"
                + closest + "'?)") + "; " + record.getName() + " has " + fields);
    }

    /** Levenshtein distance, with transpositions counted as one edit ("brnaches" is one from "branches"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
