package io.braid.cli;

import io.braid.cli.commands.AclsCommand;
import io.braid.cli.commands.CancelCommand;
import io.braid.cli.commands.DemoCommand;
import io.braid.cli.commands.DlqCommand;
import io.braid.cli.commands.OrchestratorCommand;
import io.braid.cli.commands.ReplayCommand;
import io.braid.cli.commands.ResultCommand;
import io.braid.cli.commands.RunCommand;
import io.braid.cli.commands.SchemasCommand;
import io.braid.cli.commands.StackCommand;
import io.braid.cli.commands.StatusCommand;
import io.braid.cli.commands.SubmitCommand;
import io.braid.cli.commands.WatchCommand;
import io.braid.cli.commands.WorkerCommand;
import io.braid.schema.kafka.KafkaConnection;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code braid} command. */
@Command(name = "braid", mixinStandardHelpOptions = true, version = "braid 0.1.0",
        description = "Fan jobs out into parallel LLM and tool branches on Kafka, and join the results.",
        subcommands = {DemoCommand.class, RunCommand.class, SubmitCommand.class, ResultCommand.class,
                StatusCommand.class, WatchCommand.class, CancelCommand.class, ReplayCommand.class, DlqCommand.class,
                StackCommand.class, OrchestratorCommand.class, WorkerCommand.class, AclsCommand.class,
                SchemasCommand.class},
        footer = {"%nbraid bench runs Braid's benchmark scenarios next to their baselines: 'braid bench --help' "
                + "(a jar of its own, module bench/, see bench/README.md)."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Braid's error handling: a mistake prints what was wrong and how to fix it. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setDefaultValueProvider(io.braid.cli.commands.OptionDefaults.fromEnvironment());
        return withBraidErrors(commandLine);
    }

    /**
     * Braid's error handling on {@code commandLine} (this CLI's, and the bench jar's {@code braid bench}): an
     * exception prints the command and what was wrong, and exits 2 for a mistake on the command line, 1 otherwise.
     */
    public static CommandLine withBraidErrors(CommandLine commandLine) {
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            // a Kafka client's own security exception says what failed, not which setting to fix
            String advice = KafkaConnection.securityAdvice(e).filter(a -> !message.contains(a))
                    .map(a -> "; " + a).orElse("");
            cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": "
                    + message + advice));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command; try 'braid demo' first, or 'braid --help' for the list");
    }
}
