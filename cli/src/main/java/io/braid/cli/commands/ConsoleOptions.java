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

    @Option(names = "--console-history", defaultValue = "1h", converter = DurationConverter.class,
            description = "How far back the console reads the topics at start (default: ${DEFAULT-VALUE})")
    Duration history;

    @Option(names = "--console-max-streams", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_STREAMS,
            description = "Most live job pages served at once (default: ${DEFAULT-VALUE})")
    int maxStreams;

    @Option(names = "--console-max-output-chars", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_OUTPUT_CHARS,
            description = "Characters of an output or prompt shown inline; the rest is a click away "
                    + "(default: ${DEFAULT-VALUE})")
    int maxOutputChars;

    /** The settings, checked (a value out of range is refused naming its option). */
    ConsoleSettings settings() {
        return new ConsoleSettings(!off, maxJobs, maxBranches, maxKeptBranches, maxDeadLetters, history, maxStreams,
                maxOutputChars);
    }
}
