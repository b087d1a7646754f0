package io.braid.schema.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain JSON to and from Avro specific records, driven by the record's schema: the JSON people write by hand
 * (job files, {@code kcat} input) and what {@code --json} prints, not Avro's own JSON encoding.
 *
 * <p>Reading is strict: every value must have its field's JSON type, and every error names the path of the
 * offending value, e.g. {@code branches[1].kind}.
 * <ul>
 *   <li>A string is a JSON string (valid Unicode: an unpaired surrogate is refused, since Avro would write it as
 *   {@code ?}). Only fields holding JSON text ({@code argumentsJson} and the other fields named {@code *Json},
 *   and a branch's child {@code job}) may also be given a JSON object, which is taken as its text.</li>
 *   <li>An int or long is a JSON integer within its range ({@code 1.5}, {@code 1e10} and {@code 2147483648} for an
 *   int are refused, never truncated); a double is a finite JSON number or one of the strings {@code "NaN"},
 *   {@code "Infinity"}, {@code "-Infinity"}; a boolean is {@code true} or {@code false}.</li>
 *   <li>A map is a JSON object of its value type, an array a JSON array, an enum one of its symbol names.</li>
 *   <li>A {@code timestamp_ms} is an ISO-8601 instant ({@code 2026-01-31T12:00:00Z}) or epoch milliseconds, kept
 *   to the millisecond. {@link #toJson} writes it as an ISO-8601 instant, so what it prints reads back equal.</li>
 *   <li>An optional field ({@code union {null, T}}) is the bare value, {@code null} or absent; an absent field, or
 *   {@code null} for a field that is not optional, takes the field's default, and is an error without one.</li>
 *   <li>Unknown fields are an error at every level, naming the field and the record's fields (and the closest
 *   one), so a typo such as {@code "brnaches"} does not pass silently.</li>
 * </ul>
 *
 * <p>JSON text is refused cheaply, before any of it is converted, when it nests deeper than
 * {@link #MAX_NESTING_DEPTH}, has a string longer than {@link #MAX_STRING_LENGTH}, a number longer than
 * {@link #MAX_NUMBER_LENGTH}, a field name or map key longer than {@link #MAX_NAME_LENGTH}, a field twice in one
 * object, or anything after the value. The only exception {@link #fromJson} throws is {@link JsonRecordException}.
 */
public final class AvroJson {

    /** Deepest nesting of JSON objects and arrays: a job with four levels of child jobs needs about 20. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Longest JSON string, in characters; larger than any record Braid accepts by default. */
    public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;
    /** Longest JSON number, in characters: a long has 20, a double written out in full fewer than 30. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** Longest field name or map key (an input or metadata name), in characters. */
    public static final int MAX_NAME_LENGTH = 10_000;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AvroJson() {
    }

    /**
     * Parses JSON text within the limits above (for a caller that wants the tree too, e.g. to read an id from JSON
     * that does not fit the schema).
     *
     * @throws JsonRecordException when the text is not one JSON value or breaks a limit, naming the limit
     */
    public static JsonNode readTree(String json) {
        if (json == null) {
            throw new JsonRecordException("not valid JSON: no text, expected a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new JsonRecordException("JSON refused: " + limitBroken(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new JsonRecordException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new JsonRecordException("not valid JSON: no value, expected a JSON object");
        }
        return node;
    }

    /** Parses {@code json} (a JSON object as text) into a record of {@code type}. */
    public static <T extends SpecificRecord> T fromJson(String json, Class<T> type) {
        return fromJson(readTree(json), type);
    }

    /** Converts {@code node} (a JSON object) into a record of {@code type}, filling defaults. */
    public static <T extends SpecificRecord> T fromJson(JsonNode node, Class<T> type) {
        if (node == null || node.isMissingNode()) {
            throw new JsonRecordException("the record: expected a JSON object, got nothing");
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        return type.cast(new JsonRecordReader(model).read(node, schema, ""));
    }

    /** The record as plain JSON, in the same shape {@link #fromJson} reads; timestamps as ISO-8601 instants. */
    public static ObjectNode toJson(IndexedRecord record) {
        return (ObjectNode) JsonRecordWriter.write(record, record.getSchema());
    }

    private static String limitBroken(String jackson) {
        if (jackson.contains("nesting depth")) {
            return "it nests deeper than " + MAX_NESTING_DEPTH + " levels (AvroJson.MAX_NESTING_DEPTH)";
        }
        if (jackson.contains("String value length")) {
            return "it has a string longer than " + MAX_STRING_LENGTH + " characters (AvroJson.MAX_STRING_LENGTH)";
        }
        if (jackson.contains("Number value length")) {
            return "it has a number longer than " + MAX_NUMBER_LENGTH + " characters (AvroJson.MAX_NUMBER_LENGTH)";
        }
        if (jackson.contains("Name length")) {
            return "it has a field name or map key longer than " + MAX_NAME_LENGTH
                    + " characters (AvroJson.MAX_NAME_LENGTH)";
        }
        return jackson;
    }
}
