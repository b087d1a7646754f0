package io.braid.spring.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.IntSupplier;

/**
 * The template's meters in the application's Micrometer registry: {@code braid.template.jobs.submitted},
 * {@code braid.template.results} (tag {@code status}: SUCCEEDED, PARTIAL, FAILED, CANCELLED),
 * {@code braid.template.results.timed.out} and the gauge {@code braid.template.jobs.pending}.
 */
public final class MicrometerTemplateMeters implements TemplateMeters {

    private final MeterRegistry registry;
    private final Counter submitted;
    private final Counter timedOut;

    public MicrometerTemplateMeters(MeterRegistry registry) {
        this.registry = registry;
        this.submitted = Counter.builder("braid.template.jobs.submitted")
                .description("Jobs the BraidTemplate sent").register(registry);
        this.timedOut = Counter.builder("braid.template.results.timed.out")
                .description("Jobs whose result did not arrive within braid.template.result-timeout")
                .register(registry);
    }

    @Override
    public void submitted() {
        submitted.increment();
    }

    @Override
    public void result(String status) {
        Counter.builder("braid.template.results").description("Job results received, by status")
                .tag("status", status).register(registry).increment();
    }

    @Override
    public void timedOut() {
        timedOut.increment();
    }

    @Override
    public void pending(IntSupplier pending) {
        Gauge.builder("braid.template.jobs.pending", pending::getAsInt)
                .description("Jobs submitted whose result has not arrived yet").register(registry);
    }
}
