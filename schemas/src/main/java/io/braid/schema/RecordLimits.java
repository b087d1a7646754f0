package io.braid.schema;

import java.util.Map;

/**
 * The byte limits of Braid's records, derived in one place so that they line up: what a client may submit, what a
 * worker may publish, what Braid's producers may send and what its topics accept.
 *
 * <ul>
 *   <li>{@link #recordBytes}: the largest record value Braid writes (a manifest, a task, a job result). Braid's
 *   producers get {@code max.request.size} and the topics Braid creates {@code max.message.bytes} of this plus
 *   {@link #FRAMING_BYTES} for the key, headers and batch framing.</li>
 *   <li>{@link #maxJobBytes}: the largest job record the dispatcher accepts. At most half a record: a job's manifest
 *   carries the whole job again, plus a reference per branch.</li>
 *   <li>{@link #maxResultBytes}: the largest branch result a worker publishes (serialized); a larger one is
 *   answered FAILED {@code OutputTooLarge}. At most half a record, so a dead letter carrying it still fits.</li>
 * </ul>
 *
 * <p>A job result holds every branch's output and the aggregated output, so it can outgrow a record even when every
 * branch result fits: the aggregator checks it against {@link #recordBytes} and answers {@code ResultTooLarge}.
 */
public record RecordLimits(int recordBytes, int maxJobBytes, int maxResultBytes) {

    /** Room for a record's key, headers and batch framing above its value. */
    public static final int FRAMING_BYTES = 64 * 1024;
    public static final int DEFAULT_RECORD_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_JOB_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_RESULT_BYTES = 256 * 1024;
    /** Below this, not even a small job with its manifest fits. */
    public static final int MIN_RECORD_BYTES = 16 * 1024;

    public RecordLimits {
        if (recordBytes < MIN_RECORD_BYTES) {
            throw new IllegalArgumentException("record bytes " + recordBytes + " is too small (--record-bytes): use "
                    + MIN_RECORD_BYTES + " or more");
        }
        if (maxJobBytes < 1024 || maxJobBytes > recordBytes / 2) {
            throw new IllegalArgumentException("max job bytes " + maxJobBytes + " (--max-job-bytes) must be between "
                    + "1024 and half the record limit (" + recordBytes / 2 + "): a manifest carries the whole job "
                    + "again; raise --record-bytes or lower --max-job-bytes");
        }
        if (maxResultBytes < 1024 || maxResultBytes > recordBytes / 2) {
            throw new IllegalArgumentException("max result bytes " + maxResultBytes + " (--max-result-bytes) must be "
                    + "between 1024 and half the record limit (" + recordBytes / 2 + "); raise --record-bytes or "
                    + "lower --max-result-bytes");
        }
    }

    public static RecordLimits defaults() {
        return new RecordLimits(DEFAULT_RECORD_BYTES, DEFAULT_MAX_JOB_BYTES, DEFAULT_MAX_RESULT_BYTES);
    }

    /** The same limits with another record size (the job and result limits kept when they still fit). */
    public RecordLimits withRecordBytes(int bytes) {
        return new RecordLimits(bytes, Math.min(maxJobBytes, bytes / 2), Math.min(maxResultBytes, bytes / 2));
    }

    public RecordLimits withMaxJobBytes(int bytes) {
        return new RecordLimits(recordBytes, bytes, maxResultBytes);
    }

    public RecordLimits withMaxResultBytes(int bytes) {
        return new RecordLimits(recordBytes, maxJobBytes, bytes);
    }

    /** {@code max.request.size} for Braid's producers: a record of {@link #recordBytes} with its framing. */
    public int producerMaxRequestSize() {
        return recordBytes + FRAMING_BYTES;
    }

    /** {@code max.message.bytes} for the topics Braid creates. */
    public int topicMaxMessageBytes() {
        return recordBytes + FRAMING_BYTES;
    }

    /** The producer settings these limits imply. */
    public Map<String, Object> producerConfig() {
        return Map.of("max.request.size", producerMaxRequestSize());
    }

    /** The topic settings these limits imply. */
    public Map<String, String> topicConfig() {
        return Map.of("max.message.bytes", Integer.toString(topicMaxMessageBytes()));
    }
}
