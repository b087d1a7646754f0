package io.braid.examples.spring;

import io.braid.spring.EnableBraidWorker;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application on the Braid starter: it submits jobs with the auto-configured
 * {@link io.braid.spring.BraidTemplate} ({@link TripPlanner}) and, with {@link EnableBraidWorker}, runs a worker
 * whose tools include the {@code @Tool} methods of {@link WeatherTools}. Run it next to an orchestrator (e.g.
 * {@code ./braid stack} and {@code braid orchestrator}); it plans one trip at start and prints the result.
 */
@SpringBootApplication
@EnableBraidWorker
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
