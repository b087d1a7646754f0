package io.braid.orchestrator.internal.trace;

import io.braid.schema.trace.TraceHeaders;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.Map;

/**
 * A job's trace context in its manifest's metadata — {@code braid.traceparent}, {@code braid.tracestate}, written by
 * the dispatcher only (a client's {@code braid.} metadata is refused) — which the join keeps, copies into every task
 * it publishes later and into the job result. What cannot be read reads as no context.
 */
final class TraceMetadata {

    static final String PREFIX = "braid.";

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> metadata) {
            return TraceHeaders.w3c().fields();
        }

        @Override
        public String get(Map<String, String> metadata, String key) {
            return metadata == null ? null : metadata.get(PREFIX + key);
        }
    };

    private TraceMetadata() {
    }

    static Context extract(Map<String, String> metadata) {
        try {
            return TraceHeaders.w3c().extract(Context.root(), metadata, GETTER);
        } catch (RuntimeException e) {
            return Context.root();
        }
    }

    static void inject(Context context, Map<String, String> metadata) {
        TraceHeaders.w3c().inject(context, metadata, (map, key, value) -> map.put(PREFIX + key, value));
    }
}
