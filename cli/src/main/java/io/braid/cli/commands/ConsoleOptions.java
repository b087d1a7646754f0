package io.braid.cli.commands;

import io.braid.orchestrator.ConsoleSettings;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The web console's settings of {@code braid orchestrator} (see {@link ConsoleSettings}). */
public final class ConsoleOptions {

    @Option(names = "--no-console", description = "Do not serve the web console at /console/ (nor read the topics "
            + "for it)")
    boolean off;

    @Option(names = "--console-max-jobs", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_JOBS,
            description = "Most recent jobs the console keeps in memory (default: ${DEFAULT-VALUE})")
    int maxJobs;

    @Option(names = "--console-max-branches", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_BRANCHES,
            description = "Most branches of one job drawn on its timeline (default: ${DEFAULT-VALUE})")
    int maxBranches;

    @Option(names = "--console-max-kept-branches", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_KEPT_BRANCHES,
            description = "Most branches the console keeps over all jobs; past it the least recently changed jobs "
                    + "are dropped (default: ${DEFAULT-VALUE})")
    int maxKeptBranches;

    @Option(names = "--console-max-dead-letters", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_DEAD_LETTERS,
            description = "Most dead letters the console keeps for browsing (default: ${DEFAULT-VALUE})")
    int maxDeadLetters;

    @Option(names = "--console-history", converter = DurationConverter.class,
            description = "How far back the console reads the topics at start (default: ${DEFAULT-VALUE})")
    Duration history;

    @Option(names = "--console-max-streams", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_STREAMS,
            description = "Most live job pages served at once (default: ${DEFAULT-VALUE})")
    int maxStreams;

    @Option(names = "--console-max-output-chars", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_OUTPUT_CHARS,
            description = "Characters of an output or prompt shown inline; the rest is a click away "
                    + "(default: ${DEFAULT-VALUE})")
    int maxOutputChars;

    @Option(names = "--console-max-name-chars", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_NAME_CHARS,
            description = "Characters of a name (job, branch, worker or model id, tenant, error class) the console "
                    + "keeps; longer ones are cut (default: ${DEFAULT-VALUE})")
    int maxNameChars;

    @Option(names = "--console-stream-lifetime", converter = DurationConverter.class,
            description = "Longest a job page's live stream stays open; the page then opens another "
                    + "(default: ${DEFAULT-VALUE})")
    Duration streamLifetime;

    @Option(names = "--console-max-streams-per-token", defaultValue = ""
            + ConsoleSettings.DEFAULT_MAX_STREAMS_PER_TOKEN,
            description = "Most live job pages one token holds at once (default: ${DEFAULT-VALUE})")
    int maxStreamsPerToken;

    @Option(names = "--console-stream-queue", defaultValue = "" + ConsoleSettings.DEFAULT_STREAM_QUEUE,
            description = "Updates waiting for a slow job page; past it the page reloads the timeline "
                    + "(default: ${DEFAULT-VALUE})")
    int streamQueue;

    @Option(names = "--console-max-workers", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_WORKERS,
            description = "Most workers the fleet page keeps, the least recently seen dropped "
                    + "(default: ${DEFAULT-VALUE})")
    int maxWorkers;

    @Option(names = "--console-max-models", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_MODELS,
            description = "Most models the fleet page keeps by name, the rest counted together "
                    + "(default: ${DEFAULT-VALUE})")
    int maxModels;

    @Option(names = "--console-max-rows", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_ROWS,
            description = "Most rows a console list answers, whatever the page asks (default: ${DEFAULT-VALUE})")
    int maxRows;

    @Option(names = "--forward-timeout", converter = DurationConverter.class,
            description = "How long an answer forwarded from the orchestrator holding a job (GET /jobs/{id}, a "
                    + "replay's dry run, a console branch detail) may take before 502 (default: ${DEFAULT-VALUE})")
    Duration forwardTimeout;

    @Option(names = "--max-forward-bytes", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_FORWARD_BYTES,
            description = "Largest answer taken from the orchestrator holding a job (the same requests) before 502 "
                    + "(default: ${DEFAULT-VALUE})")
    int maxForwardBytes;

    /** The settings, checked (a value out of range is refused naming its option). */
    ConsoleSettings settings() {
        return new ConsoleSettings(!off, maxJobs, maxBranches, maxKeptBranches, maxDeadLetters, history, maxStreams,
                maxOutputChars, maxNameChars, streamLifetime, maxStreamsPerToken, streamQueue, maxWorkers, maxModels,
                maxRows, forwardTimeout, maxForwardBytes);
    }
}
