package io.braid.orchestrator.internal.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;

/** The most recent dead-lettered tasks (at most {@code max}; the oldest dropped), for the console to browse. */
final class DeadLetterLog {

    /** One dead-lettered branch, as its record's headers and task say. */
    record Letter(Instant at, String jobId, String branchId, int round, String errorClass, String message,
                  boolean retriable, int attempts) {
        ObjectNode json() {
            return JobEntry.JSON.createObjectNode().put("at", at.toString()).put("jobId", jobId)
                    .put("branchId", branchId).put("round", round).put("errorClass", errorClass)
                    .put("message", message).put("retriable", retriable).put("attempts", attempts);
        }
    }

    private final int max;
    private final int maxMessageChars;
    private final Cut cut;
    private final ArrayDeque<Letter> letters = new ArrayDeque<>();

    /** Keeps at most {@code max} letters, their messages cut at {@code maxMessageChars} and names at {@code cut}'s. */
    DeadLetterLog(int max, int maxMessageChars, Cut cut) {
        this.max = max;
        this.maxMessageChars = maxMessageChars;
        this.cut = cut;
    }

    synchronized void add(Letter letter) {
        letters.addLast(new Letter(letter.at(), cut.name(letter.jobId()), cut.name(letter.branchId()), letter.round(),
                cut.name(letter.errorClass()), Cut.cut(letter.message(), maxMessageChars), letter.retriable(),
                letter.attempts()));
        while (letters.size() > max) {
            letters.removeFirst();
        }
    }

    /** Newest first, filtered (each null when not filtered): since a time, error text, job id text. */
    synchronized ArrayNode list(Instant since, String error, String job, int limit) {
        ArrayNode rows = JobEntry.JSON.createArrayNode();
        Iterator<Letter> newest = letters.descendingIterator();
        while (newest.hasNext() && rows.size() < limit) {
            Letter letter = newest.next();
            if ((since == null || !letter.at().isBefore(since))
                    && (error == null || contains(letter.errorClass() + " " + letter.message(), error))
                    && (job == null || contains(letter.jobId(), job))) {
                rows.add(letter.json());
            }
        }
        return rows;
    }

    private static boolean contains(String text, String part) {
        return text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }
}
