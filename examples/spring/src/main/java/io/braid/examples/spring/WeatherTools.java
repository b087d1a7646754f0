package io.braid.examples.spring;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.Map;

/**
 * Tools as a Spring bean: each langchain4j {@code @Tool} method is a tool of the embedded worker, called by jobs'
 * TOOL branches (by its name) and by AGENT branches' models.
 */
@Component
public class WeatherTools {

    private static final Map<String, String> FORECASTS = Map.of(
            "lisbon", "sunny, 24 °C",
            "oslo", "light rain, 9 °C",
            "kyoto", "cloudy, 18 °C");

    @Tool(name = "forecast", value = "Tomorrow's weather in a city")
    public String forecast(@P("the city, e.g. Lisbon") String city) {
        String forecast = FORECASTS.get(city.toLowerCase(Locale.ROOT));
        if (forecast == null) {
            throw new IllegalArgumentException("no forecast for '" + city + "'; known: " + FORECASTS.keySet());
        }
        return city + ": " + forecast;
    }

    @Tool(name = "packing_list", value = "What to pack for a number of days")
    public PackingList packingList(@P("days away") int days, @P(value = "rain expected", required = false)
            Boolean rain) {
        return new PackingList(days, Math.max(1, days / 2), Boolean.TRUE.equals(rain));
    }

    /** A tool's structured answer: the branch's output is its JSON. */
    public record PackingList(int shirts, int trousers, boolean umbrella) {
    }
}
