package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.TaskPartitions;
import io.braid.orchestrator.internal.trace.JobTracing;

import io.braid.schema.DeadLetterHeaders;

import io.braid.schema.ErrorClass;

import io.braid.schema.BranchError;
import io.braid.schema.BranchTask;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobManifest;
import io.braid.schema.JobRequest;
import io.braid.schema.RecordLimits;
import io.braid.schema.Topics;
import io.braid.schema.policy.UsePolicy;
import io.braid.schema.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dispatcher writes for one job record, decided before anything is sent: the whole fan-out (manifests,
 * tasks and a dispatched event for the job and each child job), or, for a record it refuses, a dead letter and a
 * rejection manifest. Every record is serialized and measured here, so a job whose records would not fit is refused
 * as a whole ({@code TooLarge}) instead of failing half-sent.
 */
final class JobRecords {

    private final Topics topics;
    private final JobDecoder decoder;
    private final JobValidator validator;
    private final AvroSerializer<SpecificRecord> serializer;
    private final RecordLimits limits;
    private final long maxFanOutBytes;
    private final Integer defaultWindow;

    JobRecords(Topics topics, JobDecoder decoder, JobValidator validator, AvroSerializer<SpecificRecord> serializer,
               RecordLimits limits, long maxFanOutBytes) {
        this(topics, decoder, validator, serializer, limits, maxFanOutBytes, null);
    }

    /** {@code defaultWindow}: the window of a job that sets no {@code maxConcurrency} (null: none). */
    JobRecords(Topics topics, JobDecoder decoder, JobValidator validator, AvroSerializer<SpecificRecord> serializer,
               RecordLimits limits, long maxFanOutBytes, Integer defaultWindow) {
        this.defaultWindow = defaultWindow;
        this.topics = topics;
        this.decoder = decoder;
        this.validator = validator;
        this.serializer = serializer;
        this.limits = limits;
        this.maxFanOutBytes = maxFanOutBytes;
    }

    /**
     * The records to write for {@code record}: its fan-out, or its refusal. A schema registry that cannot be reached
     * is not the record's fault: that exception propagates, and the batch is read again later.
     *
     * @param taskPartitions the partition count of the tasks topics (both lanes)
     */
    List<ProducerRecord<String, byte[]>> recordsFor(ConsumerRecord<String, byte[]> record, int taskPartitions,
                                                    Instant now) {
        return recordsFor(record, taskPartitions, now, JobTracing.Dispatch.NONE);
    }

    /** As above, the job's trace context put on its manifests and tasks by {@code dispatch}. */
    List<ProducerRecord<String, byte[]>> recordsFor(ConsumerRecord<String, byte[]> record, int taskPartitions,
                                                    Instant now, JobTracing.Dispatch dispatch) {
        try {
            return fanOut(record, decodeValid(record), taskPartitions, now, dispatch);
        } catch (InvalidJobException e) {
            return refusal(record, e, now);
        }
    }

    private JobRequest decodeValid(ConsumerRecord<String, byte[]> record) {
        if (record.value() != null && record.value().length > limits.maxJobBytes()) {
            throw new InvalidJobException(ErrorClass.TooLarge, null, null, "the record is "
                    + record.value().length + " bytes; this orchestrator accepts jobs up to " + limits.maxJobBytes()
                    + " bytes (--max-job-bytes): pass large inputs by reference", null);
        }
        JobRequest job = decoder.decode(record.topic(), record.value());
        List<String> problems = new ArrayList<>(Identifiers.clientProblems(job));
        if (problems.isEmpty()) {
            problems.addAll(validator.problems(job));
        }
        if (!problems.isEmpty()) {
            throw new InvalidJobException(ErrorClass.InvalidJob, JobValidator.fieldOf(problems.get(0)),
                    job.getJobId(), "invalid job '" + job.getJobId() + "': " + String.join("; ", problems), null);
        }
        validator.checkPolicy(job);
        return job;
    }

    private List<ProducerRecord<String, byte[]>> fanOut(ConsumerRecord<String, byte[]> record, JobRequest job,
                                                        int taskPartitions, Instant now,
                                                        JobTracing.Dispatch dispatch) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        long bytes = 0;
        String cappedTenant = validator.tenantCap(job) == null ? null : UsePolicy.tenantOf(job.getMetadata());
        for (FanOut uncapped : FanOut.tree(job, Instant.ofEpochMilli(record.timestamp()), now, dispatchId(record),
                defaultWindow)) {
            FanOut fanOut = cappedTenant == null ? uncapped : uncapped.awaitingAdmission(cappedTenant);
            String jobId = fanOut.manifest().getJobId();
            String lane = topics.tasksFor(fanOut.manifest().getPriority());
            out.add(serialized(topics.manifests(), null, jobId, dispatch.traced(fanOut.manifest()), job));
            int headerBytes = 0;
            for (int i = 0; i < fanOut.tasks().size(); i++) {
                ProducerRecord<String, byte[]> task = serialized(lane, TaskPartitions.partition(jobId, i,
                        taskPartitions), jobId, fanOut.tasks().get(i), job);
                dispatch.task(jobId, task.headers());
                out.add(task);
                headerBytes = headerBytes(task.headers());
                bytes = addFanOutBytes(bytes, task.value().length + headerBytes, job);
            }
            // The aggregator publishes these later, as the window frees, with the same trace headers: measured now,
            // so that one that would not fit refuses the job up front instead of leaving it stuck half done.
            for (BranchTask later : fanOut.laterTasks()) {
                bytes = addFanOutBytes(bytes, serialized(topics.tasks(), null, jobId, later, job).value().length
                        + headerBytes, job);
            }
            out.add(serialized(topics.jobEvents(), null, jobId, JobEvent.newBuilder().setJobId(jobId)
                    .setRound(fanOut.manifest().getRound()).setType(JobEventType.JOB_DISPATCHED).setAt(now)
                    .setMessage(fanOut.manifest().getBranches().size() + " branches" + (fanOut.childJobs().isEmpty()
                            ? "" : ", " + fanOut.childJobs().size() + " as child jobs") + (fanOut.laterTasks().isEmpty()
                            ? "" : cappedTenant != null ? "; " + fanOut.laterTasks().size() + " tasks wait for the cap of tenant '"
                            + cappedTenant + "'" : "; window " + fanOut.manifest().getMaxConcurrency() + ": "
                            + fanOut.tasks().size() + " published, " + fanOut.laterTasks().size()
                            + " as branches finish")).build(), job));
        }
        return out;
    }

    /** What a record's headers add to it: their keys and values. */
    static int headerBytes(org.apache.kafka.common.header.Headers headers) {
        int bytes = 0;
        for (org.apache.kafka.common.header.Header header : headers) {
            bytes += header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }

    private long addFanOutBytes(long bytes, int more, JobRequest job) {
        if (bytes + more > maxFanOutBytes) {
            throw new InvalidJobException(ErrorClass.TooLarge, null, job.getJobId(),
                    "the job's tasks add up to more than " + maxFanOutBytes + " bytes (--max-fan-out-bytes):"
                    + " every task carries the job's inputs, so large inputs times many branches multiply;"
                    + " pass large inputs by reference or split the job", null);
        }
        return bytes + more;
    }

    private ProducerRecord<String, byte[]> serialized(String topic, Integer partition, String key,
                                                      SpecificRecord value, JobRequest job) {
        byte[] bytes = serializer.serialize(topic, value);
        if (bytes.length > limits.recordBytes()) {
            throw new InvalidJobException(ErrorClass.TooLarge, null, job.getJobId(), "the job's "
                    + value.getSchema().getName() + " for " + key + " would be " + bytes.length + " bytes, over the "
                    + "record limit of " + limits.recordBytes() + " bytes (--record-bytes); make the job smaller",
                    null);
        }
        return new ProducerRecord<>(topic, partition, key, bytes);
    }

    /**
     * A record that cannot be dispatched: to the jobs dead-letter topic with its original bytes and headers plus
     * the reason ({@value Dispatcher#DeadLetterHeaders.ERROR}: the whole reason; {@code braid.error.class}, {@code .message},
     * {@code .field}; {@value Dispatcher#DeadLetterHeaders.SOURCE}: where it came from), and, when its jobId could be read, a rejection
     * manifest: the aggregator answers it with a FAILED JobResult saying why, unless the id belongs to another job.
     */
    List<ProducerRecord<String, byte[]>> refusal(ConsumerRecord<String, byte[]> record, InvalidJobException e,
                                                 Instant now) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetterHeaders.ERROR, bytes(e.getMessage()));
        headers.add(DeadLetterHeaders.ERROR_CLASS, bytes(e.kind().name()));
        headers.add(DeadLetterHeaders.ERROR_MESSAGE, bytes(e.getMessage()));
        e.field().ifPresent(field -> headers.add(DeadLetterHeaders.ERROR_FIELD, bytes(field)));
        headers.add(DeadLetterHeaders.SOURCE, bytes(dispatchId(record)));
        byte[] value = record.value();
        int headerBytes = 0;
        for (org.apache.kafka.common.header.Header header : headers) {
            headerBytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        if (value != null && value.length + headerBytes > limits.recordBytes()) {
            headers.add(DeadLetterHeaders.VALUE_DROPPED, bytes(Integer.toString(value.length)));
            value = null;
        }
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        out.add(new ProducerRecord<>(topics.jobsDeadLetter(), null, record.key(), value, headers));
        // Only an id a client may use gets an answer: a refused record must not claim a child job's id.
        e.jobId().filter(id -> Identifiers.idProblem("jobId", id, Identifiers.MAX_JOB_ID_LENGTH, "/").isEmpty())
                .ifPresent(jobId -> {
            Instant submitted = Instant.ofEpochMilli(record.timestamp());
            JobManifest rejection = JobManifest.newBuilder().setJobId(jobId).setSubmittedAt(submitted)
                    .setDispatchedAt(now).setBranches(List.of()).setDispatchId(dispatchId(record))
                    .setRejection(e.kind().error(clip(e.getMessage()))).build();
            out.add(new ProducerRecord<>(topics.manifests(), jobId, serializer.serialize(topics.manifests(),
                    rejection)));
        });
        return out;
    }

    /** The longest reason a rejection carries into the job result; the dead letter has the whole of it. */
    static final int MAX_REASON_LENGTH = 4000;

    private static String clip(String reason) {
        return reason.length() <= MAX_REASON_LENGTH ? reason
                : reason.substring(0, MAX_REASON_LENGTH) + "... (" + reason.length() + " characters in all)";
    }

    /** The dispatch's name: where its job record is, the same when a restart dispatches it again. */
    static String dispatchId(ConsumerRecord<String, byte[]> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
