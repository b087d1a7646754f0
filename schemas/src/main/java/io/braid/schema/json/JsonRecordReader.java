package io.braid.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a JSON tree into an Avro record of a schema, strictly: see {@link AvroJson} for the rules. */
final class JsonRecordReader {

    private final SpecificData model;

    JsonRecordReader(SpecificData model) {
        this.model = model;
    }

    Object read(JsonNode node, Schema schema, String path) {
        return switch (schema.getType()) {
            case RECORD -> readRecord(node, schema, path);
            case UNION -> readUnion(node, schema, path);
            case ARRAY -> readArray(node, schema, path);
            case MAP -> readMap(node, schema, path);
            case ENUM -> readEnum(node, schema, path);
            case STRING -> text(readString(node, path), path);
            case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                    ? readInstant(node, path) : readLong(node, path);
            case INT -> readInt(node, path);
            case DOUBLE -> readDouble(node, path);
            case FLOAT -> readFloat(node, path);
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw JsonErrors.expected(path, "true or false", node);
                }
                yield node.booleanValue();
            }
            case NULL -> {
                if (!node.isNull()) {
                    throw JsonErrors.expected(path, "null", node);
                }
                yield null;
            }
            default -> throw new JsonRecordException(JsonErrors.where(path) + ": Avro type " + schema.getType()
                    + " is not supported in JSON records");
        };
    }

    private Object readRecord(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw JsonErrors.expected(path, "a JSON object", node);
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (schema.getField(name) == null) {
                throw JsonErrors.unknownField(JsonErrors.join(path, name), name, schema);
            }
        }
        IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node.get(field.name());
            String fieldPath = JsonErrors.join(path, field.name());
            if (value == null || (value.isNull() && !acceptsNull(field.schema()))) {
                if (!field.hasDefaultValue()) {
                    throw value == null ? new JsonRecordException(fieldPath + ": required field is missing")
                            : JsonErrors.expected(fieldPath, JsonErrors.describe(field.schema()), value);
                }
                record.put(field.pos(), model.deepCopy(field.schema(), model.getDefaultValue(field)));
            } else if (holdsJsonText(schema, field) && !value.isTextual() && !value.isNull()) {
                if (!value.isObject()) {
                    throw JsonErrors.expected(fieldPath, "a string or a JSON object", value);
                }
                record.put(field.pos(), embeddedJson(value, fieldPath));
            } else {
                record.put(field.pos(), read(value, field.schema(), fieldPath));
            }
        }
        return record;
    }

    private Object readUnion(JsonNode node, Schema schema, String path) {
        if (node.isNull() && acceptsNull(schema)) {
            return null;
        }
        List<String> tried = new ArrayList<>();
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return read(node, branch, path);
            } catch (JsonRecordException e) {
                tried.add(e.getMessage());
            }
        }
        throw new JsonRecordException(String.join("; ", tried));
    }

    private Object readArray(JsonNode node, Schema schema, String path) {
        if (!node.isArray()) {
            throw JsonErrors.expected(path, "a JSON array", node);
        }
        List<Object> items = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            items.add(read(node.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        return items;
    }

    private Object readMap(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw JsonErrors.expected(path, "a JSON object", node);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String keyPath = JsonErrors.join(path, entry.getKey());
            map.put(text(entry.getKey(), keyPath), read(entry.getValue(), schema.getValueType(), keyPath));
        }
        return map;
    }

    private Object readEnum(JsonNode node, Schema schema, String path) {
        if (!node.isTextual() || !schema.hasEnumSymbol(node.textValue())) {
            throw JsonErrors.expected(path, "one of " + schema.getEnumSymbols(), node);
        }
        return model.createEnum(node.textValue(), schema);
    }

    private static String readString(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw JsonErrors.expected(path, "a string", node);
        }
        return node.textValue();
    }

    private static Integer readInt(JsonNode node, String path) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw JsonErrors.expected(path, "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE,
                    node);
        }
        return node.intValue();
    }

    private static Long readLong(JsonNode node, String path) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw JsonErrors.expected(path, "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE, node);
        }
        return node.longValue();
    }

    private static Double readDouble(JsonNode node, String path) {
        if (node.isTextual()) {
            return switch (node.textValue()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw JsonErrors.expected(path, "a number", node);
            };
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw JsonErrors.expected(path, "a number", node);
        }
        return node.doubleValue();
    }

    private static Float readFloat(JsonNode node, String path) {
        double value = readDouble(node, path);
        if (Double.isFinite(value) && !Float.isFinite((float) value)) {
            throw JsonErrors.expected(path, "a number within the range of a float", node);
        }
        return (float) value;
    }

    private static Instant readInstant(JsonNode node, String path) {
        Instant instant;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            instant = Instant.ofEpochMilli(node.longValue());
        } else if (node.isTextual()) {
            try {
                instant = Instant.parse(node.textValue()).truncatedTo(ChronoUnit.MILLIS);
                instant.toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                throw JsonErrors.expected(path, "an ISO-8601 instant such as 2026-01-31T12:00:00Z, within the range "
                        + "of epoch milliseconds", node);
            }
        } else {
            throw JsonErrors.expected(path, "an ISO-8601 instant or epoch milliseconds", node);
        }
        return instant;
    }

    /** {@code value} when it is valid Unicode: an unpaired surrogate would be written by Avro as {@code ?}. */
    private static String text(String value, String path) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JsonRecordException(JsonErrors.where(path) + String.format(": unpaired UTF-16 surrogate "
                        + "\\u%04x at index %d; text must be valid Unicode", (int) c, i));
            }
        }
        return value;
    }

    /** A JSON object given for a field holding JSON text, as its text, within the nesting limit. */
    private static String embeddedJson(JsonNode value, String path) {
        if (depth(value) > AvroJson.MAX_NESTING_DEPTH) {
            throw new JsonRecordException(path + ": JSON refused: it nests deeper than " + AvroJson.MAX_NESTING_DEPTH
                    + " levels (AvroJson.MAX_NESTING_DEPTH)");
        }
        return text(value.toString(), path);
    }

    /** How deeply {@code node} nests, without recursion (a tree built elsewhere may be very deep). */
    private static int depth(JsonNode node) {
        Deque<Map.Entry<JsonNode, Integer>> pending = new ArrayDeque<>();
        pending.push(Map.entry(node, 1));
        int deepest = 0;
        while (!pending.isEmpty() && deepest <= AvroJson.MAX_NESTING_DEPTH) {
            Map.Entry<JsonNode, Integer> next = pending.pop();
            deepest = Math.max(deepest, next.getValue());
            for (JsonNode child : next.getKey()) {
                if (child.isContainerNode()) {
                    pending.push(Map.entry(child, next.getValue() + 1));
                }
            }
        }
        return deepest;
    }

    /**
     * Whether {@code field} of {@code record} holds JSON text, so a JSON object may stand for it: string fields
     * named {@code *Json}, and a branch's child {@code job}.
     */
    static boolean holdsJsonText(Schema record, Schema.Field field) {
        boolean string = field.schema().getType() == Schema.Type.STRING || (field.schema().isUnion()
                && field.schema().getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.STRING));
        return string && (field.name().endsWith("Json")
                || ("job".equals(field.name()) && "io.braid.schema.BranchSpec".equals(record.getFullName())));
    }

    static boolean acceptsNull(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || (schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }
}
