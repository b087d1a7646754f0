package io.braid.examples.spring;

import io.braid.schema.AggregationSpec;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobEvent;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.LlmCall;
import io.braid.schema.ToolCall;
import io.braid.spring.BraidTemplate;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Plans a trip as one Braid job: a forecast per city (the {@code forecast} tool of {@link WeatherTools}), a packing
 * list, and an LLM's advice, run in parallel on the fleet's workers and joined into one result.
 */
@Service
public class TripPlanner {

    private final BraidTemplate braid;

    public TripPlanner(BraidTemplate braid) {
        this.braid = braid;
    }

    /** The job for a trip to {@code cities} of {@code days} days. */
    public static JobRequest job(List<String> cities, int days) {
        List<BranchSpec> branches = new ArrayList<>();
        for (String city : cities) {
            branches.add(tool("forecast_" + city.toLowerCase(), "forecast", "{\"city\": \"" + city + "\"}"));
        }
        branches.add(tool("packing", "packing_list", "{\"days\": " + days + "}"));
        branches.add(BranchSpec.newBuilder().setBranchId("advice").setKind(BranchKind.LLM)
                .setLlm(LlmCall.newBuilder().setUserPrompt("One tip for {{days}} days in {{cities}}").build())
                .build());
        return JobRequest.newBuilder().setJobId("trip-" + UUID.randomUUID())
                .setInputs(Map.of("cities", String.join(", ", cities), "days", String.valueOf(days)))
                .setBranches(branches)
                .setAggregation(AggregationSpec.newBuilder().setStrategy(AggregationStrategy.COLLECT).build())
                .build();
    }

    /** Submits the trip's job; the future completes with its joined result. */
    public CompletableFuture<JobResult> plan(List<String> cities, int days, Consumer<JobEvent> progress) {
        return braid.submit(job(cities, days), progress);
    }

    static BranchSpec tool(String branchId, String name, String argumentsJson) {
        return BranchSpec.newBuilder().setBranchId(branchId).setKind(BranchKind.TOOL)
                .setTool(ToolCall.newBuilder().setName(name).setArgumentsJson(argumentsJson).build()).build();
    }
}
