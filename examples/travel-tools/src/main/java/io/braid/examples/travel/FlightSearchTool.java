package io.braid.examples.travel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;

/** {@code flight_search}: flights between two airports (IATA codes) in the sample data, cheapest first. */
public final class FlightSearchTool implements BraidTool {

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("flight_search")
                .description("Finds flights between two airports on a date, cheapest first (sample data)")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("from", "departure airport, IATA code, e.g. LYS")
                        .addStringProperty("to", "arrival airport, IATA code, e.g. OSL")
                        .addStringProperty("date", "travel date, YYYY-MM-DD")
                        .required("from", "to", "date")
                        .additionalProperties(false)
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) {
        String from = arguments.get("from").asText();
        String to = arguments.get("to").asText();
        return SampleData.search("flights", f -> SampleData.same(f, "from", from) && SampleData.same(f, "to", to),
                "priceEur", arguments.deepCopy());
    }
}
