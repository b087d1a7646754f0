package io.braid.cli;

import io.braid.client.JobFiles;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.JobChecks;
import io.braid.schema.JobRequest;

import java.nio.file.Path;
import java.util.List;

/**
 * Job files read and checked as the dispatcher will check them, so the {@code braid} command reports a mistake
 * before anything is sent. Lives in the CLI, not in {@link JobFiles}: the rules are the orchestrator's, and the
 * client depends on the schemas only.
 */
public final class ValidJobFiles {

    private ValidJobFiles() {
    }

    /**
     * A job file read and checked as the dispatcher will check it (with the default limits), so a mistake is
     * reported before anything is sent: the file, the field, what was expected.
     */
    public static JobRequest read(Path file) {
        JobRequest job = JobFiles.read(file);
        List<String> problems = JobChecks.problems(job, OrchestratorOptions.DEFAULT_MAX_BRANCHES);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("job file " + file + ": " + String.join("; ", problems));
        }
        return job;
    }
}
