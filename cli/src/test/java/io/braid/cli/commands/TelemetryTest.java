package io.braid.cli.commands;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tracing is off unless the OTEL_* settings ask for an exporter, and a bad setting is refused naming it. */
class TelemetryTest {

    @Test
    void without_an_exporter_or_endpoint_tracing_is_the_no_op() {
        assertThat(Telemetry.fromEnvironment(Map.of(), "braid-worker")).isSameAs(OpenTelemetry.noop());
        assertThat(Telemetry.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "w", "PATH", "/bin"), "braid-worker"))
                .isSameAs(OpenTelemetry.noop());
        assertThat(Telemetry.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), "braid-worker")).isSameAs(OpenTelemetry.noop());
        assertThat(Telemetry.fromEnvironment(Map.of("OTEL_SDK_DISABLED", "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), "braid-worker")).isSameAs(OpenTelemetry.noop());
    }

    @Test
    void an_otlp_endpoint_turns_tracing_on() {
        OpenTelemetry telemetry = Telemetry.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://127.0.0.1:4318", "OTEL_BSP_SCHEDULE_DELAY", "10"), "braid-worker");
        try {
            assertThat(telemetry).isInstanceOf(OpenTelemetrySdk.class);
            assertThat(((OpenTelemetrySdk) telemetry).getSdkTracerProvider().toString()).contains("braid-worker");
        } finally {
            ((OpenTelemetrySdk) telemetry).close();
        }
    }

    @Test
    void a_bad_setting_is_refused_naming_the_variables() {
        assertThatThrownBy(() -> Telemetry.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "carrier-pigeon"),
                "braid-worker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OTEL_* environment variables").hasMessageContaining("carrier-pigeon");
        assertThatThrownBy(() -> Telemetry.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), "braid-worker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL=grpc").hasMessageContaining("http/protobuf");
    }
}
