package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.ErrorClass;

import io.braid.schema.BranchError;
import io.braid.schema.JobManifest;

import java.util.List;
import java.util.Map;

/** Small facts about the join's inputs, shared by the processor and its error handling. */
final class JoinInputs {

    private JoinInputs() {
    }

    /** The jobId the input itself names (the record's key must be the same). */
    static String jobId(JoinInput input) {
        return switch (input) {
            case null -> null;
            case JoinInput.Manifest m -> m.manifest().getJobId();
            case JoinInput.Result r -> r.result().getJobId();
            case JoinInput.Control c -> c.control().getJobId();
            case JoinInput.Grant g -> g.grant().getJobId();
        };
    }

    /** What the input is, as dead letters name it: manifest, result or control. */
    static String kind(JoinInput input) {
        return switch (input) {
            case null -> "empty";
            case JoinInput.Manifest m -> "manifest";
            case JoinInput.Result r -> "result";
            case JoinInput.Control c -> "control";
            case JoinInput.Grant g -> "grant";
        };
    }

    /** {@code manifest} as a refused job: no branches, and the reason, which the join answers FAILED. */
    static JobManifest rejection(JobManifest manifest, ErrorClass errorClass, String reason) {
        return JobManifest.newBuilder(manifest).setBranches(List.of()).setSpecs(List.of()).setInputs(Map.of())
                .setRejection(errorClass.error(reason)).build();
    }
}
