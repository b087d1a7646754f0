package io.braid.worker.internal.trace;

import io.braid.schema.trace.SpanAttributes;
import io.braid.schema.trace.TraceHeaders;
import io.braid.schema.BranchTask;
import io.braid.worker.internal.models.Redaction;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import org.apache.kafka.common.header.Headers;

import java.util.concurrent.Callable;

/**
 * The worker's one place for OpenTelemetry: a span per branch attempt, per model call (GenAI conventions) and per
 * tool call, under the task record's {@code traceparent}; the task's context on the result record. Built from the
 * {@code OpenTelemetry} of the worker's options; {@link #OFF} (the default, and what {@link OpenTelemetry#noop()}
 * gives) starts nothing and adds no header.
 *
 * <p>The tracing travels in the OpenTelemetry {@link Context} with the task's span context: {@link TaskHandler}
 * makes the task's context current, and every span below asks {@link #current()}, so the parts that run a branch
 * need no tracing of their own — only a thread started for a branch carries the context over
 * ({@link #wrap(Callable)}, {@link #wrap(Runnable)}). Outside a traced task everything here is a no-op.
 */
public final class BranchTracing {

    /** Tracing off: no span, no header. */
    public static final BranchTracing OFF = new BranchTracing(null);

    static final String SCOPE = "io.braid.worker";
    private static final ContextKey<BranchTracing> KEY = ContextKey.named("braid-branch-tracing");

    private final Tracer tracer;

    private BranchTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Tracing through {@code openTelemetry}; {@link #OFF} for null or {@link OpenTelemetry#noop()}. */
    public static BranchTracing of(OpenTelemetry openTelemetry) {
        return openTelemetry == null || openTelemetry == OpenTelemetry.noop() ? OFF
                : new BranchTracing(openTelemetry.getTracer(SCOPE));
    }

    public boolean on() {
        return tracer != null;
    }

    /**
     * The context a task record's run continues: its {@code traceparent} header (none, or one that cannot be read:
     * a new trace), carrying this tracing. The root context when tracing is off.
     */
    public Context taskContext(Headers headers) {
        return on() ? TraceHeaders.extract(Context.root(), headers).with(KEY, this) : Context.root();
    }

    /**
     * Makes the task record's context ({@link #taskContext}) current on this thread until the scope closes; nothing
     * when tracing is off.
     */
    public Scope enter(Headers headers) {
        return on() ? taskContext(headers).makeCurrent() : Scope.noop();
    }

    /** Puts the current context (the task's) on a result record's headers, when tracing is on. */
    public void inject(Headers headers) {
        if (on()) {
            TraceHeaders.inject(Context.current(), headers);
        }
    }

    /** The tracing of the task running on this thread; {@link #OFF} outside a traced task. */
    public static BranchTracing current() {
        BranchTracing tracing = Context.current().get(KEY);
        return tracing == null ? OFF : tracing;
    }

    /** {@code body} run in the current context, on whatever thread runs it. */
    public static <T> Callable<T> wrap(Callable<T> body) {
        return current().on() ? Context.current().wrap(body) : body;
    }

    /** {@code body} run in the current context, on whatever thread runs it. */
    public static Runnable wrap(Runnable body) {
        return current().on() ? Context.current().wrap(body) : body;
    }

    /** Starts the span of one attempt of {@code task} under the current context. */
    public static Traced attempt(BranchTask task, int attempt, String workerId) {
        BranchTracing tracing = current();
        if (!tracing.on()) {
            return Traced.NONE;
        }
        Span span = tracing.tracer.spanBuilder("attempt " + task.getBranch().getBranchId())
                .setAttribute(SpanAttributes.JOB_ID, task.getJobId())
                .setAttribute(SpanAttributes.ROUND, (long) task.getRound())
                .setAttribute(SpanAttributes.BRANCH_ID, task.getBranch().getBranchId())
                .setAttribute(Attributes.BRANCH_KIND, task.getBranch().getKind().name())
                .setAttribute(Attributes.ATTEMPT, (long) attempt)
                .setAttribute(Attributes.WORKER, workerId)
                .startSpan();
        return new Traced(span);
    }

    /** Starts a span named {@code name} of {@code kind} under the current context (for model and tool calls). */
    static Traced start(String name, SpanKind kind) {
        BranchTracing tracing = current();
        if (!tracing.on()) {
            return Traced.NONE;
        }
        return new Traced(tracing.tracer.spanBuilder(name).setSpanKind(kind).startSpan());
    }

    /** A started span (or none); ended once. */
    public static class Traced {

        static final Traced NONE = new Traced(null);

        final Span span;

        Traced(Span span) {
            this.span = span;
        }

        /** The current context with this span: what runs inside the span runs in it. */
        public Context context() {
            return span == null ? Context.current() : Context.current().with(span);
        }

        /** {@code body} run inside this span, on whatever thread runs it. */
        public <T> Callable<T> wrap(Callable<T> body) {
            return span == null ? body : context().wrap(body);
        }

        public Traced attribute(String key, String value) {
            if (span != null && value != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        public Traced attribute(String key, long value) {
            if (span != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        /** Ends the span; {@code error}, when not null, is why the call failed (a message, already scrubbed). */
        public void end(String error) {
            if (span != null && error != null) {
                span.setAttribute(SpanAttributes.ERROR_TYPE, "tool_error");
                span.setStatus(StatusCode.ERROR, error);
            }
            if (span != null) {
                span.end();
            }
        }

        /** Ends the span with {@code status} ({@code braid.branch.status} for attempts), an error if not null. */
        public void end(String status, Throwable error) {
            if (span == null) {
                return;
            }
            if (status != null) {
                span.setAttribute(Attributes.STATUS, status);
            }
            if (error != null) {
                span.setAttribute(SpanAttributes.ERROR_TYPE, error.getClass().getName());
                span.setStatus(StatusCode.ERROR, Redaction.scrub(String.valueOf(error.getMessage())));
            }
            span.end();
        }
    }
}
