package io.braid.orchestrator.internal.aggregate;

import java.time.Instant;

/**
 * Keys of the join's timer index: {@code <epoch ms, 13 digits>|<kind>|<jobId>}, so a range scan up to "now"
 * yields exactly the timers that are due, oldest first, without reading every job.
 */
final class JoinTimers {

    /** What a timer does when due. */
    enum Kind {
        /** Complete the job's open round by DEADLINE. */
        DEADLINE('D'),
        /** Drop the job's state. */
        EXPIRY('E');

        final char code;

        Kind(char code) {
            this.code = code;
        }

        static Kind of(char code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown timer kind '" + code + "'");
        }
    }

    /** A timer read back from the index. */
    record Timer(String key, Instant at, Kind kind, String jobId) {
    }

    static final String FIRST_KEY = "0000000000000";

    private JoinTimers() {
    }

    static String key(Instant at, Kind kind, String jobId) {
        return String.format("%013d|%c|%s", at.toEpochMilli(), kind.code, jobId);
    }

    /** The greatest key of every timer due at or before {@code now}. */
    static String lastKeyDueBy(Instant now) {
        return String.format("%013d|\uffff", now.toEpochMilli());
    }

    static Timer parse(String key) {
        return new Timer(key, Instant.ofEpochMilli(Long.parseLong(key.substring(0, 13))), Kind.of(key.charAt(14)),
                key.substring(16));
    }
}
