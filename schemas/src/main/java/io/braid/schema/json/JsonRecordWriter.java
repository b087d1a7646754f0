package io.braid.schema.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes an Avro record as the plain JSON {@link JsonRecordReader} reads. Union branches are chosen by the value's
 * Java type, including the types of logical conversions ({@link Instant} for {@code timestamp_ms}), which Avro's
 * own {@code GenericData.resolveUnion} does not know without the record's model.
 */
final class JsonRecordWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRecordWriter() {
    }

    static JsonNode write(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case RECORD -> writeRecord((IndexedRecord) value, schema);
            case UNION -> write(value, branch(schema, value));
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
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
            case DOUBLE, FLOAT -> {
                double number = ((Number) value).doubleValue();
                yield Double.isFinite(number) ? NODES.numberNode(number) : NODES.textNode(Double.toString(number));
            }
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            default -> NODES.textNode(value.toString());
        };
    }

    private static ObjectNode writeRecord(IndexedRecord record, Schema schema) {
        ObjectNode object = NODES.objectNode();
        for (Schema.Field field : schema.getFields()) {
            object.set(field.name(), write(record.get(field.pos()), field.schema()));
        }
        return object;
    }

    /** The branch of {@code union} that {@code value} (not null) is a value of. */
    private static Schema branch(Schema union, Object value) {
        for (Schema branch : union.getTypes()) {
            if (fits(branch, value)) {
                return branch;
            }
        }
        throw new JsonRecordException("a " + value.getClass().getName() + " fits no branch of " + union);
    }

    private static boolean fits(Schema schema, Object value) {
        return switch (schema.getType()) {
            case RECORD -> value instanceof IndexedRecord r && r.getSchema().getFullName().equals(schema.getFullName());
            case ENUM -> value instanceof Enum<?> || value instanceof GenericEnumSymbol<?>;
            case STRING -> value instanceof CharSequence;
            case LONG -> value instanceof Long || value instanceof Instant;
            case INT -> value instanceof Integer;
            case DOUBLE -> value instanceof Double;
            case FLOAT -> value instanceof Float;
            case BOOLEAN -> value instanceof Boolean;
            case ARRAY -> value instanceof Collection<?>;
            case MAP -> value instanceof Map<?, ?>;
            case BYTES -> value instanceof ByteBuffer;
            default -> false;
        };
    }
}
