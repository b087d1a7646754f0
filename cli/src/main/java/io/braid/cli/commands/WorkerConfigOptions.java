package io.braid.cli.commands;

import io.braid.schema.RecordLimits;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.worker.WorkerConfig;
import io.braid.worker.WorkerOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options that give workers their models and tools (a config file and tool plugins) and their result limit. */
public final class WorkerConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:BRAID_WORKER_CONFIG}",
            description = {"Worker config (YAML): named models (openai, ollama, anthropic, simulated) and tool "
                    + "settings; see examples/worker.yaml. Default: one simulated model"})
    Path configFile;

    @Option(names = "--tool-plugins", paramLabel = "PATH", split = ",",
            defaultValue = "${env:BRAID_TOOL_PLUGINS}",
            description = "A jar, or a folder of jars, with tools to add (BraidTool via ServiceLoader); repeatable")
    List<Path> toolPlugins = new ArrayList<>();

    @Option(names = "--max-result-bytes", paramLabel = "BYTES",
            defaultValue = "${env:BRAID_MAX_RESULT_BYTES:-" + RecordLimits.DEFAULT_MAX_RESULT_BYTES + "}",
            description = {"Largest branch result a worker publishes, serialized; a larger one is answered FAILED "
                    + "OutputTooLarge (its output dropped), dead-lettered and acknowledged. At least 1024; keep it at "
                    + "most half the orchestrator's --record-bytes. Default: ${DEFAULT-VALUE}"})
    int maxResultBytes = RecordLimits.DEFAULT_MAX_RESULT_BYTES;

    /**
     * An orchestrator running beside these workers ({@code braid run}'s embedded one) with the config file's
     * {@code policy}, so it refuses at submission what the workers would refuse.
     */
    public OrchestratorOptions.Builder applyPolicyTo(OrchestratorOptions.Builder builder) {
        return configFile == null ? builder : builder.policy(WorkerConfig.load(configFile).policy());
    }

    /** {@code builder} with the config file (read and checked now) and the plugins. */
    public WorkerOptions.Builder applyTo(WorkerOptions.Builder builder) {
        if (configFile != null) {
            builder.config(WorkerConfig.load(configFile));
        }
        return builder.toolPlugins(toolPlugins == null ? List.of() : toolPlugins).maxResultBytes(maxResultBytes);
    }
}
