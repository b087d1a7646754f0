package io.braid.orchestrator.internal.trace;

import io.braid.schema.BranchStatus;
import io.braid.schema.BranchTask;
import io.braid.schema.JobManifest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.trace.SpanAttributes;
import io.braid.schema.trace.TraceHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The orchestrator's one place for OpenTelemetry: the dispatch span of each job record (and of each child job it
 * fans out), the join span of each completed job round, the aggregate span of a final aggregation task, and the W3C
 * context those put on manifests, tasks and job results. Built from the {@code OpenTelemetry} of the options;
 * {@link #OFF} (the default, and what {@link OpenTelemetry#noop()} gives) builds nothing and adds no header.
 *
 * <p>The job's trace lives in its manifest's metadata ({@code braid.traceparent}, {@code braid.tracestate}), which the
 * join keeps and copies into every task it publishes later and into the job result: so a window's next task, a
 * replay's, a final aggregation's and a deadline's join span continue the trace with nothing else stored.
 */
public final class JobTracing {

    /** Tracing off: no span, no header. */
    public static final JobTracing OFF = new JobTracing(null);

    static final String SCOPE = "io.braid.orchestrator";

    private final Tracer tracer;

    private JobTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Tracing through {@code openTelemetry}; {@link #OFF} for null or {@link OpenTelemetry#noop()}. */
    public static JobTracing of(OpenTelemetry openTelemetry) {
        return openTelemetry == null || openTelemetry == OpenTelemetry.noop() ? OFF
                : new JobTracing(openTelemetry.getTracer(SCOPE));
    }

    public boolean on() {
        return tracer != null;
    }

    /**
     * The dispatch of one job record: a span continuing the record's {@code traceparent} header — a record without
     * one, or with one that cannot be read, starts a new trace (never an error). The client's {@code tracestate} is
     * not passed on: the job's records carry the traceparent only (docs/TRACING.md).
     */
    public Dispatch dispatch(ConsumerRecord<String, byte[]> record, String dispatchId) {
        if (!on()) {
            return Dispatch.NONE;
        }
        Context parent = TraceHeaders.extractTraceparent(Context.root(), record.headers());
        Span span = tracer.spanBuilder("dispatch").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(Attributes.MESSAGING_SYSTEM, "kafka")
                .setAttribute(Attributes.MESSAGING_OPERATION, "process")
                .setAttribute(Attributes.MESSAGING_DESTINATION, record.topic())
                .setAttribute(Attributes.MESSAGING_PARTITION, Integer.toString(record.partition()))
                .setAttribute(Attributes.MESSAGING_OFFSET, record.offset())
                .setAttribute(Attributes.DISPATCH_ID, dispatchId)
                .startSpan();
        return new Dispatch(this, span);
    }

    /**
     * Ends the join span of a completed job round, under the job's dispatch; returns the headers of its JobResult
     * record (the join span's context), or null when tracing is off. {@code trigger}: the input that completed it.
     */
    public Headers completed(JobResult result, String trigger) {
        if (!on()) {
            return null;
        }
        Span span = tracer.spanBuilder("join").setParent(TraceMetadata.extract(result.getMetadata()))
                .setAttribute(SpanAttributes.JOB_ID, result.getJobId())
                .setAttribute(SpanAttributes.ROUND, (long) result.getRound())
                .setAttribute(Attributes.JOB_STATUS, result.getStatus().name())
                .setAttribute(Attributes.COMPLETED_BY, result.getCompletedBy())
                .setAttribute(Attributes.AGGREGATION, result.getAggregation().name())
                .setAttribute(Attributes.BRANCHES, (long) result.getBranches().size())
                .setAttribute(Attributes.BRANCHES_SUCCEEDED, result.getBranches().stream()
                        .filter(b -> b.getStatus() == BranchStatus.SUCCEEDED).count())
                .setAttribute(Attributes.JOIN_TRIGGER, trigger)
                .startSpan();
        if (result.getUsage() != null) {
            span.setAttribute(Attributes.JOB_INPUT_TOKENS, result.getUsage().getInputTokens());
            span.setAttribute(Attributes.JOB_OUTPUT_TOKENS, result.getUsage().getOutputTokens());
        }
        if (result.getStatus() == JobStatus.FAILED) {
            span.setStatus(StatusCode.ERROR, "job " + result.getCompletedBy());
        }
        span.end();
        return headers(Context.root().with(span));
    }

    /**
     * The headers of a task the join publishes: the job's dispatch context; for the final aggregation task, an
     * "aggregate" span under it, which the worker's attempt continues. Null when tracing is off.
     */
    public Headers task(BranchTask task, boolean finalAggregation) {
        if (!on()) {
            return null;
        }
        Context job = TraceMetadata.extract(task.getMetadata());
        if (!finalAggregation) {
            return headers(job);
        }
        Span span = tracer.spanBuilder("aggregate").setParent(job).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SpanAttributes.JOB_ID, task.getJobId())
                .setAttribute(SpanAttributes.ROUND, (long) task.getRound())
                .setAttribute(SpanAttributes.BRANCH_ID, task.getBranch().getBranchId())
                .setAttribute(Attributes.MESSAGING_SYSTEM, "kafka")
                .setAttribute(Attributes.MESSAGING_OPERATION, "send")
                .startSpan();
        if (task.getBranch().getLlm() != null && task.getBranch().getLlm().getModel() != null) {
            span.setAttribute(SpanAttributes.MODEL, task.getBranch().getLlm().getModel());
        }
        span.end();
        return headers(job.with(span));
    }

    private static Headers headers(Context context) {
        Headers headers = new RecordHeaders();
        TraceHeaders.inject(context, headers);
        return headers;
    }

    /** One job record's dispatch: its span, and one per child job fanned out with it. */
    public static final class Dispatch {

        /** No tracing: changes nothing. */
        public static final Dispatch NONE = new Dispatch(null, null);

        private final JobTracing tracing;
        private final Span root;
        private final Map<String, Span> byJob = new LinkedHashMap<>();
        private final Map<String, Integer> tasks = new HashMap<>();

        private Dispatch(JobTracing tracing, Span root) {
            this.tracing = tracing;
            this.root = root;
        }

        /**
         * {@code manifest} with its job's trace in its metadata. The first manifest is the record's job, on the
         * record's span; a child job's gets a span of its own under its parent's.
         */
        public JobManifest traced(JobManifest manifest) {
            if (root == null) {
                return manifest;
            }
            Span span = byJob.isEmpty() ? root : tracing.tracer.spanBuilder("dispatch")
                    .setParent(Context.root().with(byJob.getOrDefault(manifest.getParentJobId(), root)))
                    .setAttribute(Attributes.PARENT_JOB_ID, String.valueOf(manifest.getParentJobId()))
                    .setAttribute(Attributes.DISPATCH_ID, String.valueOf(manifest.getDispatchId()))
                    .startSpan();
            span.setAttribute(SpanAttributes.JOB_ID, manifest.getJobId());
            span.setAttribute(Attributes.MESSAGING_KEY, manifest.getJobId());
            span.setAttribute(SpanAttributes.ROUND, (long) manifest.getRound());
            span.setAttribute(Attributes.BRANCHES, (long) manifest.getBranches().size());
            byJob.put(manifest.getJobId(), span);
            Map<String, String> metadata = new HashMap<>(manifest.getMetadata());
            TraceMetadata.inject(Context.root().with(span), metadata);
            return JobManifest.newBuilder(manifest).setMetadata(metadata).build();
        }

        /** Puts the job's dispatch context on one of its task records. */
        public void task(String jobId, Headers headers) {
            Span span = byJob.get(jobId);
            if (span != null) {
                TraceHeaders.inject(Context.root().with(span), headers);
                tasks.merge(jobId, 1, Integer::sum);
            }
        }

        /** The record was refused: the dispatch span says why. */
        public void refused(String errorClass, String reason) {
            if (root != null) {
                root.setAttribute(SpanAttributes.ERROR_TYPE, errorClass);
                root.setStatus(StatusCode.ERROR, reason);
            }
        }

        /** Ends every span of this dispatch (the record's last). */
        public void end() {
            byJob.forEach((jobId, span) -> {
                span.setAttribute(Attributes.TASKS_PUBLISHED, (long) tasks.getOrDefault(jobId, 0));
                if (span != root) {
                    span.end();
                }
            });
            if (root != null) {
                root.end();
            }
        }
    }
}
