package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code current_time}: the date and time now in a time zone (IANA name, default UTC), e.g.
 * {@code {"timezone": "Europe/Paris"}} → {@code {"iso": "2026-11-24T15:04:05+01:00", "dayOfWeek": "TUESDAY", …}}.
 */
final class CurrentTimeTool implements BraidTool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public CurrentTimeTool(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("current_time")
                .description("Returns the current date, time and day of the week in a time zone")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("timezone", "IANA time zone, e.g. Europe/Paris (default UTC)")
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) {
        String zoneName = arguments.path("timezone").asText("UTC");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName.isBlank() ? "UTC" : zoneName);
        } catch (DateTimeException e) {
            throw new ToolArgumentsException("current_time: unknown time zone '" + zoneName
                    + "'; use an IANA name such as UTC, Europe/Paris or America/New_York");
        }
        ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), zone);
        return JSON.createObjectNode()
                .put("iso", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .put("timezone", zone.getId())
                .put("date", now.toLocalDate().toString())
                .put("time", now.toLocalTime().withNano(0).toString())
                .put("dayOfWeek", now.getDayOfWeek().toString())
                .put("epochMillis", now.toInstant().toEpochMilli())
                .toString();
    }
}
