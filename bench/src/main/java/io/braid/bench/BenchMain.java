package io.braid.bench;

import io.braid.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The bench jar's entry point: {@code braid bench ...} ({@link BenchCommand} and its subcommands), which the
 * {@code ./braid} script hands to {@code bench/target/braid-bench.jar}. The other {@code braid} commands live in the
 * CLI jar; this module depends on the CLI (its fleets and processes), never the other way round.
 */
@Command(name = "braid", mixinStandardHelpOptions = true, version = "braid 0.1.0",
        description = "Braid's benchmarks: 'braid bench --help'. The other braid commands are in the CLI.",
        subcommands = BenchCommand.class)
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The {@code braid bench} command line, with the CLI's error handling (what was wrong, how to fix it). */
    public static CommandLine commandLine() {
        return Main.withBraidErrors(new CommandLine(new BenchMain()));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command: this jar runs 'braid bench'; try 'braid bench --help'");
    }
}
