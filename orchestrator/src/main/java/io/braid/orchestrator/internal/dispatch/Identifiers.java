package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.JobRequest;

import java.util.List;

/**
 * What a client may write in the fields that identify and link records. Job ids and branch ids are correlation
 * keys: they become record keys, child job ids ({@code <parent>/<branch>@<round>}), store keys and headers, so a
 * few characters are Braid's own and invisible characters are refused (an id that prints like another one is how a
 * job would pass for someone else's). Parent links and {@code braid.*} metadata are written by the dispatcher for the
 * child jobs it creates, never taken from a client.
 */
public final class Identifiers {

    /** The longest job id a client may choose. */
    public static final int MAX_JOB_ID_LENGTH = 200;
    /** The longest branch id. */
    public static final int MAX_BRANCH_ID_LENGTH = 100;
    /** Metadata keys starting with this are Braid's. */
    public static final String RESERVED_METADATA_PREFIX = "braid.";

    private Identifiers() {
    }

    /** Problems with the fields of a job record as a client submitted it (its linkage and ids); empty when none. */
    public static List<String> clientProblems(JobRequest job) {
        List<String> problems = new java.util.ArrayList<>();
        String jobId = job.getJobId();
        idProblem("jobId", jobId, MAX_JOB_ID_LENGTH, "/").ifPresent(problems::add);
        if (job.getParentJobId() != null) {
            problems.add("parentJobId is set by Braid for the child jobs it creates and may not be submitted; "
                    + "nest the job as a branch of kind JOB instead");
        }
        job.getMetadata().keySet().stream().filter(key -> key.startsWith(RESERVED_METADATA_PREFIX)).sorted()
                .findFirst().ifPresent(key -> problems.add("metadata." + key + ": keys starting with '"
                        + RESERVED_METADATA_PREFIX + "' are Braid's own; rename it"));
        return problems;
    }

    /** The problem with a branch id, if it has one (checked on every job, children included). */
    public static java.util.Optional<String> branchIdProblem(String where, String branchId) {
        return idProblem(where, branchId, MAX_BRANCH_ID_LENGTH, "/@");
    }

    /**
     * An id may not be blank, longer than {@code maxLength}, contain any of {@code reserved}, or contain control or
     * invisible formatting characters (Unicode Cc, Cf, Zl, Zp, and unpaired surrogates).
     */
    static java.util.Optional<String> idProblem(String field, String id, int maxLength, String reserved) {
        if (id == null || id.isBlank()) {
            return java.util.Optional.of(field + " is empty: give it a value");
        }
        if (id.length() > maxLength) {
            return java.util.Optional.of(field + " is " + id.length() + " characters; the limit is " + maxLength);
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (reserved.indexOf(c) >= 0) {
                return java.util.Optional.of(field + " '" + id + "' contains '" + c + "', which Braid reserves for "
                        + "child job ids (<jobId>/<branchId>@<round>)");
            }
        }
        int bad = id.codePoints().filter(Identifiers::invisible).findFirst().orElse(-1);
        if (bad >= 0) {
            return java.util.Optional.of(field + " contains the invisible or control character U+"
                    + String.format("%04X", bad) + "; use printable characters only");
        }
        return java.util.Optional.empty();
    }

    private static boolean invisible(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
    }
}
