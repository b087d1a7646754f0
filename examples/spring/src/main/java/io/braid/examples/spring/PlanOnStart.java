package io.braid.examples.spring;

import io.braid.schema.JobResult;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.util.List;

/** Plans one trip when the application starts and prints the result ({@code example.plan-on-start}, default on). */
@Component
@ConditionalOnProperty(name = "example.plan-on-start", matchIfMissing = true)
public class PlanOnStart implements CommandLineRunner {

    private final TripPlanner planner;

    public PlanOnStart(TripPlanner planner) {
        this.planner = planner;
    }

    @Override
    public void run(String... args) {
        JobResult result = planner.plan(List.of("Lisbon", "Kyoto"), 5,
                event -> System.out.println(event.getType() + " " + (event.getBranchId() == null ? ""
                        : event.getBranchId()))).join();
        System.out.println(result.getStatus() + ": " + result.getOutput());
    }
}
