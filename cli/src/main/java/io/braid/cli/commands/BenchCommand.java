package io.braid.cli.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code braid bench}: the benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures Braid on this machine and writes the figures to a file.",
        subcommands = {BenchFleetCommand.class, BenchAggregatorCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "choose a benchmark, e.g. 'braid bench fleet'");
    }
}
