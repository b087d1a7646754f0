package io.braid.examples.travel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;

/** {@code hotel_search}: hotels in a city in the sample data, under an optional nightly price, cheapest first. */
public final class HotelSearchTool implements BraidTool {

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("hotel_search")
                .description("Finds hotels in a city for a number of nights, cheapest first (sample data)")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("city", "city name, e.g. Oslo")
                        .addIntegerProperty("nights", "number of nights")
                        .addNumberProperty("maxPricePerNight", "highest price per night in EUR (optional)")
                        .required("city", "nights")
                        .additionalProperties(false)
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) {
        String city = arguments.get("city").asText();
        int nights = arguments.get("nights").asInt();
        if (nights < 1 || nights > 60) {
            throw new ToolArgumentsException("hotel_search: nights " + nights + " must be between 1 and 60");
        }
        double max = arguments.path("maxPricePerNight").asDouble(Double.MAX_VALUE);
        return SampleData.search("hotels", h -> SampleData.same(h, "city", city)
                && h.path("pricePerNightEur").asDouble() <= max, "pricePerNightEur", arguments.deepCopy());
    }
}
