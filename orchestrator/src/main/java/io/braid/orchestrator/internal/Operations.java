package io.braid.orchestrator.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.orchestrator.internal.aggregate.AggregatorErrors;
import io.braid.orchestrator.internal.aggregate.JoinQueries;
import io.braid.orchestrator.internal.dispatch.Dispatcher;
import io.braid.orchestrator.TaskBacklog;
import io.braid.orchestrator.internal.status.JobStatusServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.braid.orchestrator.internal.aggregate.JobMeters;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Instant;

/**
 * Health, Prometheus metrics (the aggregator's Kafka Streams metrics, {@code braid_tasks_backlog},
 * {@code braid_jobs_held}, {@code braid_dead_letters}, and what completed jobs spent: {@code braid_job_tokens_total}
 * by {@code direction} in / out, {@code braid_job_cost_total}, {@code braid_jobs_completed_total}) and the backlog
 * as JSON, on the job API's port.
 */
final class Operations {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Operations() {
    }

    static void serve(JobStatusServer status, KafkaStreams aggregator, JoinQueries join, Dispatcher dispatcher,
                      AggregatorErrors.DeadLetters deadLetters, TaskBacklog backlog, JobMeters spend) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new KafkaStreamsMetrics(aggregator).bindTo(metrics);
        Gauge.builder("braid.tasks.backlog", backlog, b -> b.latest() == null ? Double.NaN : b.latest().total())
                .description("task records the worker share group has not finished (waiting or in flight)")
                .register(metrics);
        // held strongly: a gauge keeps only a weak reference to its object unless told otherwise
        Gauge.builder("braid.jobs.held", join, j -> j.heldJobs() < 0 ? Double.NaN : j.heldJobs()).strongReference(true)
                .description("jobs whose join state this instance holds (open, or finished within the retention)")
                .register(metrics);
        Gauge.builder("braid.dead.letters", () -> deadLetters.count() + dispatcher.health().deadLetters())
                .description("records the dispatcher and the aggregator dead-lettered since this instance started")
                .register(metrics);
        FunctionCounter.builder("braid.job.tokens", spend, JobMeters::inputTokens).tag("direction", "in")
                .description("tokens of the model calls of the jobs this instance completed").register(metrics);
        FunctionCounter.builder("braid.job.tokens", spend, JobMeters::outputTokens).tag("direction", "out")
                .description("tokens of the model calls of the jobs this instance completed").register(metrics);
        FunctionCounter.builder("braid.job.cost", spend, JobMeters::cost)
                .description("cost (in the unit of the workers' price tables) of the jobs this instance completed")
                .register(metrics);
        FunctionCounter.builder("braid.jobs.completed", spend, JobMeters::completedJobs)
                .description("job results this instance emitted").register(metrics);
        spend.onTenant(tenant -> {
            Gauge.builder("braid.tenant.slots.in.use", spend, m -> m.tenantSlotsInUse(tenant)).tag("tenant", tenant)
                    .description("a capped tenant's tasks queued or running (its admission's count)")
                    .strongReference(true).register(metrics);
            Gauge.builder("braid.tenant.waiting", spend, m -> m.tenantWaiting(tenant)).tag("tenant", tenant)
                    .description("a capped tenant's job rounds waiting for a slot").strongReference(true)
                    .register(metrics);
        });
        status.serveOperations(() -> health(aggregator, dispatcher.health(), deadLetters), metrics::scrape,
                () -> backlogJson(backlog));
    }

    private static String backlogJson(TaskBacklog backlog) {
        TaskBacklog.Measurement now = backlog.latest();
        if (now == null) {
            return null;
        }
        ObjectNode json = JSON.createObjectNode().put("backlog", now.total())
                .put("measuredAt", now.measuredAt().toString());
        now.partitions().forEach((partition, count) -> json.with("partitions").put(partition.toString(), count));
        return json.toString();
    }

    static JobStatusServer.Health health(KafkaStreams aggregator, Dispatcher.Health dispatcher,
                                         AggregatorErrors.DeadLetters deadLetters) {
        KafkaStreams.State state = aggregator.state();
        boolean streamsAlive = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        Instant last = latest(deadLetters.last(), dispatcher.lastDeadLetterAt());
        return new JobStatusServer.Health(streamsAlive && dispatcher.alive(),
                state == KafkaStreams.State.RUNNING && dispatcher.ready(), state.name(), dispatcher.alive(),
                dispatcher.problem(), deadLetters.count() + dispatcher.deadLetters(), last);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
