package io.braid.schema.trace;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The W3C trace context on Braid's Kafka records: the {@value #TRACEPARENT} and {@value #TRACESTATE} headers of
 * job requests (the submitter's), tasks, results and job results. Always W3C, whatever propagators an SDK was given:
 * the header is part of the records. A header that cannot be read — garbage, bytes that are not text, a wrong
 * version — reads as none: a new trace, never an error.
 */
public final class TraceHeaders {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(header -> keys.add(header.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    /** {@link #GETTER} blind to the {@value #TRACESTATE} header: the propagator builds a context without one. */
    private static final TextMapGetter<Headers> TRACEPARENT_ONLY = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(Headers headers, String key) {
            return TRACESTATE.equals(key) ? null : GETTER.get(headers, key);
        }
    };

    private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private TraceHeaders() {
    }

    /** {@code parent} with the span context of {@code headers}; {@code parent} itself when they carry none. */
    public static Context extract(Context parent, Headers headers) {
        try {
            return headers == null ? parent : W3C.extract(parent, headers, GETTER);
        } catch (RuntimeException e) { // no parser should choke on a header: if one does, still a new trace
            return parent;
        }
    }

    /**
     * {@code parent} with the span context of {@code headers}' {@value #TRACEPARENT} alone, its trace state empty
     * whatever {@value #TRACESTATE} they carry; {@code parent} itself when they carry none. For records from outside
     * Braid (a client's job): a foreign trace state — up to 32 members of 512 characters — would otherwise ride on
     * every record the job leads to (see docs/TRACING.md).
     */
    public static Context extractTraceparent(Context parent, Headers headers) {
        try {
            return headers == null ? parent : W3C.extract(parent, headers, TRACEPARENT_ONLY);
        } catch (RuntimeException e) { // as extract: a header nothing can read is no context
            return parent;
        }
    }

    /** Puts {@code context}'s span context on {@code headers}, replacing any there; nothing for no span. */
    public static void inject(Context context, Headers headers) {
        W3C.inject(context, headers, SETTER);
    }

    /** The W3C propagator itself, for carriers other than headers (a job's metadata). */
    public static W3CTraceContextPropagator w3c() {
        return W3C;
    }
}
