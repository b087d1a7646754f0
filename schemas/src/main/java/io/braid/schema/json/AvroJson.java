package io.braid.schema.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JSON to and from Avro specific records, driven by the record's schema: the JSON people write by hand
 * (job files, {@code kcat} input), not Avro's own JSON encoding.
 *
 * <ul>
 *   <li>An optional field ({@code union {null, T}}) is the bare value or absent; absent fields take their defaults.</li>
 *   <li>Enums are their symbol names; {@code timestamp_ms} is an ISO-8601 instant or epoch milliseconds.</li>
 *   <li>A string field given a JSON object or array takes its JSON text (so {@code argumentsJson} can be
 *   written as an object).</li>
 *   <li>Unknown fields are an error, so a typo does not pass silently.</li>
 * </ul>
 * Every error names the path of the offending value, e.g. {@code branches[1].kind}.
 */
public final class AvroJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    /** Parses {@code json} (a JSON object as text) into a record of {@code type}. */
    public static <T extends SpecificRecord> T fromJson(String json, Class<T> type) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JsonRecordException("not valid JSON: " + e.getOriginalMessage());
        }
        return fromJson(node, type);
    }

    /** Converts {@code node} (a JSON object) into a record of {@code type}, filling defaults. */
    public static <T extends SpecificRecord> T fromJson(JsonNode node, Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        return type.cast(new Reader(model).read(node, schema, ""));
    }

    /** The record as plain JSON, in the same shape {@link #fromJson} reads. */
    public static ObjectNode toJson(IndexedRecord record) {
        return (ObjectNode) write(record, record.getSchema());
    }

    private static final class Reader {
        private final SpecificData model;

        Reader(SpecificData model) {
            this.model = model;
        }

        Object read(JsonNode node, Schema schema, String path) {
            return switch (schema.getType()) {
                case RECORD -> readRecord(node, schema, path);
                case UNION -> readUnion(node, schema, path);
                case ARRAY -> readArray(node, schema, path);
                case MAP -> readMap(node, schema, path);
                case ENUM -> readEnum(node, schema, path);
                case STRING -> readString(node, path);
                case LONG -> readLong(node, schema, path);
                case INT -> {
                    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                        throw error(path, "expected a whole number", node);
                    }
                    yield node.intValue();
                }
                case DOUBLE, FLOAT -> {
                    if (!node.isNumber()) {
                        throw error(path, "expected a number", node);
                    }
                    yield schema.getType() == Schema.Type.DOUBLE ? node.doubleValue() : node.floatValue();
                }
                case BOOLEAN -> {
                    if (!node.isBoolean()) {
                        throw error(path, "expected true or false", node);
                    }
                    yield node.booleanValue();
                }
                case NULL -> {
                    if (!node.isNull()) {
                        throw error(path, "expected null", node);
                    }
                    yield null;
                }
                default -> throw new JsonRecordException(path + ": Avro type " + schema.getType()
                        + " is not supported in JSON records");
            };
        }

        private Object readRecord(JsonNode node, Schema schema, String path) {
            if (!node.isObject()) {
                throw error(path, "expected a JSON object", node);
            }
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (schema.getField(name) == null) {
                    throw new JsonRecordException(join(path, name) + ": unknown field; " + schema.getName()
                            + " has " + schema.getFields().stream().map(Schema.Field::name).toList());
                }
            }
            IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
            for (Schema.Field field : schema.getFields()) {
                JsonNode value = node.get(field.name());
                String fieldPath = join(path, field.name());
                if (value == null || (value.isNull() && !acceptsNull(field.schema()))) {
                    if (!field.hasDefaultValue()) {
                        throw new JsonRecordException(fieldPath + ": required field is missing");
                    }
                    record.put(field.pos(), model.deepCopy(field.schema(), model.getDefaultValue(field)));
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
                throw error(path, "expected a JSON array", node);
            }
            List<Object> items = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                items.add(read(node.get(i), schema.getElementType(), path + "[" + i + "]"));
            }
            return items;
        }

        private Object readMap(JsonNode node, Schema schema, String path) {
            if (!node.isObject()) {
                throw error(path, "expected a JSON object", node);
            }
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(),
                    read(e.getValue(), schema.getValueType(), join(path, e.getKey()))));
            return map;
        }

        private Object readEnum(JsonNode node, Schema schema, String path) {
            if (!node.isTextual() || !schema.hasEnumSymbol(node.textValue())) {
                throw error(path, "expected one of " + schema.getEnumSymbols(), node);
            }
            return model.createEnum(node.textValue(), schema);
        }

        private static Object readString(JsonNode node, String path) {
            if (node.isObject() || node.isArray()) {
                return node.toString();
            }
            if (!node.isTextual()) {
                throw error(path, "expected a string", node);
            }
            return node.textValue();
        }

        private static Object readLong(JsonNode node, Schema schema, String path) {
            LogicalType logical = schema.getLogicalType();
            if (logical instanceof LogicalTypes.TimestampMillis) {
                if (node.isIntegralNumber()) {
                    return Instant.ofEpochMilli(node.longValue());
                }
                if (node.isTextual()) {
                    try {
                        return Instant.parse(node.textValue());
                    } catch (DateTimeParseException e) {
                        throw error(path, "expected an ISO-8601 instant such as 2026-01-31T12:00:00Z", node);
                    }
                }
                throw error(path, "expected an ISO-8601 instant or epoch milliseconds", node);
            }
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw error(path, "expected a whole number", node);
            }
            return node.longValue();
        }
    }

    private static boolean acceptsNull(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || (schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }

    private static JsonNode write(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode object = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), write(record.get(field.pos()), field.schema()));
                }
                yield object;
            }
            case UNION -> write(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Iterable<?>) value) {
                    array.add(write(item, schema.getElementType()));
                }
                yield array;
            }
            case MAP -> {
                ObjectNode object = NODES.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> object.set(k.toString(), write(v, schema.getValueType())));
                yield object;
            }
            case LONG -> value instanceof Instant instant ? NODES.textNode(instant.toString())
                    : NODES.numberNode(((Number) value).longValue());
            case INT -> NODES.numberNode(((Number) value).intValue());
            case DOUBLE, FLOAT -> NODES.numberNode(((Number) value).doubleValue());
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            default -> NODES.textNode(value.toString());
        };
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static JsonRecordException error(String path, String expected, JsonNode actual) {
        String shown = actual.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new JsonRecordException((path.isEmpty() ? "the record" : path) + ": " + expected + ", got " + shown);
    }
}
