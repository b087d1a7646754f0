package io.braid.examples.travel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;

/** {@code event_search}: events in a city in the sample data, on a date if given, cheapest first. */
public final class EventSearchTool implements BraidTool {

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("event_search")
                .description("Finds events in a city, optionally on one date, cheapest first (sample data)")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("city", "city name, e.g. Oslo")
                        .addStringProperty("date", "YYYY-MM-DD (optional)")
                        .required("city")
                        .additionalProperties(false)
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) {
        String city = arguments.get("city").asText();
        String date = arguments.path("date").asText("");
        return SampleData.search("events", e -> SampleData.same(e, "city", city)
                && (date.isBlank() || SampleData.same(e, "date", date)), "priceEur", arguments.deepCopy());
    }
}
