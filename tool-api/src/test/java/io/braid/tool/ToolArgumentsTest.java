package io.braid.tool;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tool arguments checked against the tool's JSON schema, with errors naming the argument and what was expected. */
class ToolArgumentsTest {

    private static final ToolSpecification FLIGHTS = ToolSpecification.builder()
            .name("flight_search")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("from")
                    .addStringProperty("to")
                    .addIntegerProperty("passengers")
                    .addEnumProperty("cabin", java.util.List.of("economy", "business"))
                    .addProperty("stops", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                    .addProperty("window", JsonObjectSchema.builder()
                            .addProperty("earliest", new JsonIntegerSchema())
                            .required("earliest").build())
                    .required("from", "to")
                    .additionalProperties(false)
                    .build())
            .build();

    @Test
    void validArgumentsPass() {
        assertThat(ToolArguments.parse(FLIGHTS, "{\"from\":\"LYS\",\"to\":\"OSL\",\"passengers\":2,"
                + "\"cabin\":\"economy\",\"stops\":[\"CPH\"],\"window\":{\"earliest\":6}}").path("to").asText())
                .isEqualTo("OSL");
        assertThat(ToolArguments.parse(FLIGHTS, "{\"from\":\"LYS\",\"to\":\"OSL\",\"passengers\":2.0}")
                .path("passengers").asInt()).isEqualTo(2);
    }

    @Test
    void eachKindOfMismatchIsNamed() {
        assertRefused("{\"from\":\"LYS\"}", "tool 'flight_search': missing required argument 'to'");
        assertRefused("{\"from\":\"LYS\",\"to\":7}", "argument 'to' must be a string, got number 7");
        assertRefused("{\"from\":\"LYS\",\"to\":\"OSL\",\"passengers\":1.5}", "argument 'passengers' must be an integer");
        assertRefused("{\"from\":\"LYS\",\"to\":\"OSL\",\"cabin\":\"first\"}",
                "argument 'cabin' must be one of [economy, business]");
        assertRefused("{\"from\":\"LYS\",\"to\":\"OSL\",\"stops\":[\"CPH\",3]}", "argument 'stops[1]' must be a string");
        assertRefused("{\"from\":\"LYS\",\"to\":\"OSL\",\"window\":{}}", "missing required argument 'window.earliest'");
        assertRefused("{\"from\":\"LYS\",\"to\":\"OSL\",\"seat\":\"12A\"}", "unknown argument 'seat'");
        assertRefused("[1,2]", "must be a JSON object, got array");
        assertRefused("{\"from\":", "are not valid JSON");
    }

    private static void assertRefused(String arguments, String message) {
        assertThatThrownBy(() -> ToolArguments.parse(FLIGHTS, arguments))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining(message);
    }
}
