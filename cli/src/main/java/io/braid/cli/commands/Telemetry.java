package io.braid.cli.commands;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenTelemetry of {@code braid orchestrator} and {@code braid worker}, from the standard {@code OTEL_*}
 * environment variables (OpenTelemetry's SDK autoconfiguration: OTLP exporter, sampler, resource, batch settings).
 *
 * <p><b>Off unless asked for</b>: tracing is on only when {@code OTEL_TRACES_EXPORTER} is set to something other than
 * {@code none}, or an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}), and {@code OTEL_SDK_DISABLED} is not {@code true}. Otherwise the
 * components get {@link OpenTelemetry#noop()}: no span is built and no header added. Only traces are exported
 * (metrics and logs exporters default to {@code none}; Braid's metrics are Prometheus), over OTLP/HTTP
 * ({@code http/protobuf}, the JDK's HTTP client: {@code grpc} is refused), and the service name defaults to
 * {@code braid-orchestrator} / {@code braid-worker}. A bad setting stops the command at start, naming it.
 */
public final class Telemetry {

    private Telemetry() {
    }

    /**
     * The OpenTelemetry {@code settings} (environment variables by their names, e.g. {@code System.getenv()}) ask
     * for: an SDK that flushes at exit (a JVM shutdown hook), or {@link OpenTelemetry#noop()}.
     */
    public static OpenTelemetry fromEnvironment(Map<String, String> settings, String serviceName) {
        Map<String, String> properties = new HashMap<>();
        settings.forEach((name, value) -> {
            if (name.startsWith("OTEL_") && value != null && !value.isBlank()) {
                properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
            }
        });
        if (!enabled(properties)) {
            return OpenTelemetry.noop();
        }
        for (String protocol : new String[] {"otel.exporter.otlp.protocol", "otel.exporter.otlp.traces.protocol"}) {
            if ("grpc".equalsIgnoreCase(properties.get(protocol))) {
                throw new IllegalArgumentException(protocol.toUpperCase(Locale.ROOT).replace('.', '_') + "=grpc: "
                        + "Braid exports OTLP over HTTP only; use http/protobuf (the collector's port 4318)");
            }
        }
        Map<String, String> withDefaults = new HashMap<>(Map.of("otel.service.name", serviceName,
                "otel.metrics.exporter", "none", "otel.logs.exporter", "none",
                "otel.exporter.otlp.protocol", "http/protobuf"));
        withDefaults.putAll(properties);
        try {
            return AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> withDefaults).build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw new IllegalArgumentException("OpenTelemetry settings (OTEL_* environment variables): "
                    + e.getMessage() + "; see README \"Tracing\"", e);
        }
    }

    /** The rule above, over properties named as OpenTelemetry's ({@code otel.traces.exporter}). */
    static boolean enabled(Map<String, String> properties) {
        if ("true".equalsIgnoreCase(properties.get("otel.sdk.disabled"))) {
            return false;
        }
        String exporter = properties.get("otel.traces.exporter");
        if (exporter != null) {
            return !exporter.equalsIgnoreCase("none");
        }
        return properties.containsKey("otel.exporter.otlp.endpoint")
                || properties.containsKey("otel.exporter.otlp.traces.endpoint");
    }
}
