package io.braid.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A tool's arguments read and checked against the JSON schema of its langchain4j {@link ToolSpecification}: types,
 * required properties, enums, array items, nested objects, {@code anyOf}, references to definitions, and
 * {@code additionalProperties: false}. A mismatch is a {@link ToolArgumentsException} (never retried) naming the
 * tool, the argument's path and what was expected.
 */
public final class ToolArguments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolArguments() {
    }

    /** Parses {@code json} and checks it against {@code tool}'s schema. */
    public static JsonNode parse(ToolSpecification tool, String json) {
        JsonNode arguments;
        try {
            arguments = json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ToolArgumentsException("arguments of tool '" + tool.name() + "' are not valid JSON: "
                    + e.getOriginalMessage());
        }
        validate(tool, arguments);
        return arguments;
    }

    /** Checks {@code arguments} against {@code tool}'s schema. */
    public static void validate(ToolSpecification tool, JsonNode arguments) {
        if (arguments == null || !arguments.isObject()) {
            throw new ToolArgumentsException("arguments of tool '" + tool.name() + "' must be a JSON object, got "
                    + describe(arguments));
        }
        JsonObjectSchema schema = tool.parameters();
        if (schema == null) {
            return;
        }
        String problem = check(schema, arguments, "", schema.definitions() == null ? Map.of() : schema.definitions());
        if (problem != null) {
            throw new ToolArgumentsException("tool '" + tool.name() + "': " + problem);
        }
    }

    /** The first problem of {@code value} against {@code schema}, or null. */
    private static String check(JsonSchemaElement schema, JsonNode value, String path,
                                Map<String, JsonSchemaElement> definitions) {
        String at = path.isEmpty() ? "arguments" : "argument '" + path + "'";
        return switch (schema) {
            case JsonObjectSchema object -> checkObject(object, value, path, at, definitions);
            case JsonStringSchema ignored -> value.isTextual() ? null : at + " must be a string, got " + describe(value);
            case JsonIntegerSchema ignored -> value.isIntegralNumber()
                    || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0 ? null
                    : at + " must be an integer, got " + describe(value);
            case JsonNumberSchema ignored -> value.isNumber() ? null : at + " must be a number, got " + describe(value);
            case JsonBooleanSchema ignored -> value.isBoolean() ? null : at + " must be true or false, got "
                    + describe(value);
            case JsonNullSchema ignored -> value.isNull() ? null : at + " must be null, got " + describe(value);
            case JsonEnumSchema enumeration -> value.isTextual() && enumeration.enumValues().contains(value.textValue())
                    ? null : at + " must be one of " + enumeration.enumValues() + ", got " + describe(value);
            case JsonArraySchema array -> checkArray(array, value, path, at, definitions);
            case JsonAnyOfSchema anyOf -> {
                String last = null;
                for (JsonSchemaElement option : anyOf.anyOf()) {
                    last = check(option, value, path, definitions);
                    if (last == null) {
                        yield null;
                    }
                }
                yield at + " matches none of its allowed forms (" + last + ")";
            }
            case JsonReferenceSchema reference -> {
                JsonSchemaElement target = definitions.get(reference.reference());
                yield target == null ? null : check(target, value, path, definitions);
            }
            default -> null; // raw schemas are passed through unchecked
        };
    }

    private static String checkObject(JsonObjectSchema object, JsonNode value, String path, String at,
                                      Map<String, JsonSchemaElement> definitions) {
        if (!value.isObject()) {
            return at + " must be an object, got " + describe(value);
        }
        Map<String, JsonSchemaElement> properties = object.properties() == null ? Map.of() : object.properties();
        List<String> required = object.required() == null ? List.of() : object.required();
        for (String name : required) {
            if (!value.has(name) || value.get(name).isNull() && !(properties.get(name) instanceof JsonNullSchema)) {
                return "missing required argument '" + join(path, name) + "'" + describeProperty(properties.get(name));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonSchemaElement property = properties.get(field.getKey());
            if (property == null) {
                if (Boolean.FALSE.equals(object.additionalProperties())) {
                    return "unknown argument '" + join(path, field.getKey()) + "'; it takes " + properties.keySet();
                }
                continue;
            }
            if (field.getValue().isNull() && !required.contains(field.getKey())) {
                continue; // an optional argument passed as null: absent
            }
            String problem = check(property, field.getValue(), join(path, field.getKey()), definitions);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String checkArray(JsonArraySchema array, JsonNode value, String path, String at,
                                     Map<String, JsonSchemaElement> definitions) {
        if (!value.isArray()) {
            return at + " must be an array, got " + describe(value);
        }
        for (int i = 0; i < value.size() && array.items() != null; i++) {
            String problem = check(array.items(), value.get(i), path + "[" + i + "]", definitions);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describeProperty(JsonSchemaElement property) {
        String description = property == null ? null : property.description();
        return description == null ? "" : " (" + description + ")";
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        String text = value.toString();
        String type = value.isTextual() ? "string" : value.isNumber() ? "number" : value.isBoolean() ? "boolean"
                : value.isArray() ? "array" : value.isObject() ? "object" : "null";
        return type + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
