package io.braid.worker.internal.consume;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroSerializer;
import io.braid.worker.ProgressListener;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Clock;

/**
 * Publishes branch progress to the job-events topic, fire-and-forget: progress is informational. Every event is
 * published when it happens; a branch's BRANCH_FINISHED also says when it started ({@code startedAt}) and what its
 * model calls spent ({@code usage}, {@code cost}: the branch result's), so a watcher sums a job's spend as it runs.
 */
public final class ProgressPublisher implements ProgressListener {

    private final Topics topics;
    private final AvroSerializer<SpecificRecord> serializer;
    private final Producer<String, byte[]> producer;
    private final String workerId;
    private final Clock clock;

    public ProgressPublisher(Topics topics, AvroSerializer<SpecificRecord> serializer,
                             Producer<String, byte[]> producer, String workerId, Clock clock) {
        this.topics = topics;
        this.serializer = serializer;
        this.producer = producer;
        this.workerId = workerId;
        this.clock = clock;
    }

    @Override
    public void started(BranchTask task, int attempt) {
        publish(event(task.getJobId(), task.getRound(), task.getBranch().getBranchId(), JobEventType.BRANCH_STARTED,
                attempt).build());
    }

    @Override
    public void retrying(BranchTask task, int failedAttempt, BranchError error) {
        publish(event(task.getJobId(), task.getRound(), task.getBranch().getBranchId(), JobEventType.BRANCH_RETRYING,
                failedAttempt).setMessage(error.getErrorClass() + ": " + error.getMessage()).build());
    }

    @Override
    public void finished(BranchResult result) {
        publish(event(result.getJobId(), result.getRound(), result.getBranchId(), JobEventType.BRANCH_FINISHED,
                result.getAttempt()).setBranchStatus(result.getStatus()).setStartedAt(result.getStartedAt())
                .setUsage(result.getUsage()).setCost(result.getCost()).build());
    }

    private JobEvent.Builder event(String jobId, int round, String branchId, JobEventType type, int attempt) {
        return JobEvent.newBuilder().setJobId(jobId).setRound(round).setBranchId(branchId).setType(type)
                .setWorkerId(workerId).setAttempt(attempt).setAt(clock.instant());
    }

    private void publish(JobEvent event) {
        try {
            producer.send(new ProducerRecord<>(topics.jobEvents(), event.getJobId(),
                    serializer.serialize(topics.jobEvents(), event)));
        } catch (RuntimeException e) {
            // progress is best effort; the branch result is what counts
        }
    }
}
