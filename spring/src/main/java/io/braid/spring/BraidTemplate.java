package io.braid.spring;

import io.braid.client.JobFiles;
import io.braid.schema.ControlAction;
import io.braid.schema.JobControl;
import io.braid.schema.JobEvent;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.Topics;
import io.braid.spring.internal.PendingJobs;
import io.braid.spring.internal.ResultsListener;
import io.braid.spring.internal.TemplateMeters;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Submits Braid jobs from a Spring application and hands back their results as {@link CompletableFuture}s.
 *
 * <p>A job ({@link JobRequest}: build one, or pass its JSON to {@link #submitJson}) is sent to the jobs topic with a
 * spring-kafka {@link KafkaTemplate} in the schema registry wire format; the future completes with the job's
 * {@link JobResult} when it arrives on the job-results topic, which one listener container reads for every job the
 * template waits for. The future fails with a {@link java.util.concurrent.TimeoutException} when no result arrived
 * within {@code braid.template.result-timeout}, and with the cause when the job could not be sent. A result whose
 * status is FAILED (a refused job: see its {@code rejection}) or PARTIAL completes the future normally: look at
 * {@link JobResult#getStatus()}.
 *
 * <p>Progress events (branch started, finished, ...) go to the callback given with a job, and to every
 * {@link BraidEventListener} bean, on the listener's thread (they must not block). Futures are completed on
 * virtual threads of their own, so a dependent stage that blocks holds up no other job's result. Thread-safe; one
 * per application (auto-configured).
 */
public final class BraidTemplate implements SmartLifecycle, AutoCloseable {

    private final KafkaTemplate<String, SpecificRecord> kafka;
    private final MessageListenerContainer container;
    private final ResultsListener listener;
    private final PendingJobs pending;
    private final Topics topics;
    private final BraidProperties.TemplateProperties settings;
    private final TemplateMeters meters;

    BraidTemplate(KafkaTemplate<String, SpecificRecord> kafka, MessageListenerContainer container,
                  ResultsListener listener, PendingJobs pending, Topics topics,
                  BraidProperties.TemplateProperties settings, TemplateMeters meters) {
        this.kafka = kafka;
        this.container = container;
        this.listener = listener;
        this.pending = pending;
        this.topics = topics;
        this.settings = settings;
        this.meters = meters;
    }

    /** Submits {@code job}; the future completes with its result (see the class comment). */
    public CompletableFuture<JobResult> submit(JobRequest job) {
        return submit(job, settings.resultTimeout(), null);
    }

    /** As {@link #submit(JobRequest)}, passing the job's progress events to {@code onEvent} as they arrive. */
    public CompletableFuture<JobResult> submit(JobRequest job, Consumer<JobEvent> onEvent) {
        return submit(job, settings.resultTimeout(), onEvent);
    }

    /**
     * As {@link #submit(JobRequest, Consumer)}, waiting up to {@code timeout} for the result.
     *
     * @param onEvent the job's progress events, on the listener's thread (must not block); null for none
     * @throws IllegalArgumentException when the job has no jobId or the timeout is not positive
     * @throws IllegalStateException    when the job is awaited already, or {@code braid.template.max-pending-jobs}
     *                                  jobs are
     */
    public CompletableFuture<JobResult> submit(JobRequest job, Duration timeout, Consumer<JobEvent> onEvent) {
        String jobId = job.getJobId();
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("the job has no jobId; set one (it keys its records and its result)");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the result timeout of job " + jobId + " is " + timeout
                    + "; give a positive duration");
        }
        CompletableFuture<JobResult> result = pending.await(jobId, timeout, onEvent);
        send(topics.jobs(), jobId, job, "job").whenComplete((sent, failure) -> {
            if (failure != null) {
                pending.fail(jobId, failure);
            } else {
                meters.submitted();
            }
        });
        return result;
    }

    /**
     * Submits the job written as JSON, as in a job file (a jobId is generated when it has none).
     *
     * @throws IllegalArgumentException when the JSON is no job, with the reason
     */
    public CompletableFuture<JobResult> submitJson(String json) {
        return submit(JobFiles.parse(json, "job"));
    }

    /**
     * Asks for the job to be cancelled (see {@code BraidClient.cancel}); its future then completes with a CANCELLED
     * result listing the branches that had finished.
     *
     * @return completes when Kafka acknowledged the request
     */
    public CompletableFuture<Void> cancel(String jobId, String reason) {
        JobControl control = JobControl.newBuilder().setJobId(jobId).setRound(0).setAction(ControlAction.CANCEL)
                .setReason(reason).setAt(Instant.now()).build();
        return send(topics.control(), jobId, control, "cancel").thenApply(sent -> null);
    }

    /**
     * Passes the events of every job (also those other clients submitted) to {@code listener} until the returned
     * handle is closed. {@link BraidEventListener} beans are added this way at start.
     */
    public AutoCloseable onEvents(Consumer<JobEvent> listener) {
        this.listener.addListener(listener);
        return () -> this.listener.removeListener(listener);
    }

    /** Jobs submitted whose result has not arrived yet. */
    public int pendingJobs() {
        return pending.size();
    }

    /**
     * Whether the results listener runs and holds the job-results topic's partitions: until then, results are
     * read late (from when the template started) but not lost.
     */
    public boolean listening() {
        return container.isRunning() && listener.resultPartitionsAssigned() > 0;
    }

    /** Partitions of the job-results topic the results listener holds. */
    public long resultPartitionsAssigned() {
        return listener.resultPartitionsAssigned();
    }

    private CompletableFuture<Object> send(String topic, String key, SpecificRecord value, String what) {
        try {
            return kafka.send(topic, key, value).handle((sent, failure) -> {
                if (failure != null) {
                    throw new IllegalStateException("cannot send the " + what + " of " + key + " to " + topic + ": "
                            + rootMessage(failure), failure);
                }
                return sent;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot send the " + what + " of " + key
                    + " to " + topic + ": " + rootMessage(e), e));
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    /** Starts the results listener. */
    @Override
    public void start() {
        container.start();
    }

    /** Stops the results listener and fails the futures still waiting. */
    @Override
    public void stop() {
        container.stop();
        pending.failAll("the BraidTemplate stopped (the application is closing) before the job's result arrived");
    }

    @Override
    public boolean isRunning() {
        return container.isRunning();
    }

    /** Stops, then closes the producer (Spring calls it when the context closes). */
    @Override
    public void close() {
        stop();
        if (kafka.getProducerFactory() instanceof DisposableBean factory) {
            try {
                factory.destroy();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the BraidTemplate's producer: " + e.getMessage(), e);
            }
        }
    }
}
