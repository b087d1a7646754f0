package io.braid.cli.commands;

import io.braid.cli.Main;
import io.braid.orchestrator.ConsoleSettings;
import io.braid.orchestrator.Delivery;
import io.braid.orchestrator.OrchestratorOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each option default is the options object's, unless its environment variable is set. */
class OptionDefaultsTest {

    private static final OrchestratorOptions DEFAULTS =
            OrchestratorOptions.builder("127.0.0.1:9092", KafkaOptions.DEFAULT_REGISTRY_URL).build();

    private static OrchestratorCommand orchestrator(Map<String, String> environment, String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setDefaultValueProvider(new OptionDefaults(environment::get));
        CommandLine.ParseResult parsed = commandLine.parseArgs(prepend("orchestrator", args));
        return (OrchestratorCommand) parsed.subcommand().commandSpec().userObject();
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void without_arguments_or_environment_the_orchestrator_gets_the_options_defaults() {
        OrchestratorCommand command = orchestrator(Map.of());

        assertThat(command.partitions).isEqualTo(DEFAULTS.partitions());
        assertThat(command.replicationFactor).isEqualTo(DEFAULTS.replicationFactor());
        assertThat(command.stateDir).isEqualTo(DEFAULTS.stateDir());
        assertThat(command.delivery).isEqualTo(DEFAULTS.delivery());
        assertThat(command.commitInterval).isEqualTo(DEFAULTS.commitInterval());
        assertThat(command.pollTime).isEqualTo(DEFAULTS.streamsPollTime());
        assertThat(command.defaultJobDeadline).isEqualTo(DEFAULTS.join().defaultDeadline());
        assertThat(command.finishedJobRetention).isEqualTo(DEFAULTS.join().finishedRetention());
        assertThat(command.httpBind).isEqualTo(DEFAULTS.httpBind());
        assertThat(command.recordBytes).isEqualTo(DEFAULTS.limits().recordBytes());
        assertThat(command.maxJobBytes).isEqualTo(DEFAULTS.limits().maxJobBytes());
        assertThat(command.maxFanOutBytes).isEqualTo(DEFAULTS.maxFanOutBytes());
        assertThat(command.maxBranches).isEqualTo(DEFAULTS.maxBranches());
        assertThat(command.workerGroup).isEqualTo(DEFAULTS.workerGroupId());
        assertThat(command.standbyReplicas).isEqualTo(DEFAULTS.standbyReplicas());
    }

    @Test
    void the_console_options_default_to_the_console_settings_and_each_flag_reaches_its_setting() {
        assertThat(orchestrator(Map.of()).console.settings()).isEqualTo(ConsoleSettings.defaults());

        ConsoleSettings set = orchestrator(Map.of(), "--console-max-name-chars", "64", "--console-stream-lifetime",
                "2m", "--console-max-streams-per-token", "3", "--console-stream-queue", "50", "--console-max-workers",
                "20", "--console-max-models", "10", "--console-max-rows", "40", "--forward-timeout", "2s",
                "--max-forward-bytes", "100000").console.settings();
        assertThat(set).isEqualTo(ConsoleSettings.builder().maxNameChars(64).streamLifetime(Duration.ofMinutes(2))
                .maxStreamsPerToken(3).streamQueue(50).maxWorkers(20).maxModels(10).maxRows(40)
                .forwardTimeout(Duration.ofSeconds(2)).maxForwardBytes(100_000).build());
        assertThatThrownBy(() -> orchestrator(Map.of(), "--console-max-rows", "0").console.settings())
                .hasMessageContaining("--console-max-rows");
    }

    @Test
    void an_environment_variable_overrides_the_default_and_an_argument_overrides_both() {
        Map<String, String> environment = Map.of("BRAID_PARTITIONS", "9", "BRAID_DELIVERY", "low-latency",
                "BRAID_COMMIT_INTERVAL", "2s", "BRAID_MAX_BRANCHES", " ");

        OrchestratorCommand fromEnvironment = orchestrator(environment);
        assertThat(fromEnvironment.partitions).isEqualTo(9);
        assertThat(fromEnvironment.delivery).isEqualTo(Delivery.LOW_LATENCY);
        assertThat(fromEnvironment.commitInterval).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromEnvironment.maxBranches).as("a blank variable counts as unset").isEqualTo(DEFAULTS.maxBranches());

        assertThat(orchestrator(environment, "--partitions", "3").partitions).isEqualTo(3);
    }

    @Test
    void the_worker_gets_the_worker_options_defaults_and_one_name_for_its_group() {
        io.braid.worker.WorkerOptions defaults = io.braid.worker.WorkerOptions
                .builder("127.0.0.1:9092", KafkaOptions.DEFAULT_REGISTRY_URL).build();
        CommandLine commandLine = Main.commandLine();
        commandLine.setDefaultValueProvider(new OptionDefaults(Map.of("BRAID_WORKER_GROUP", "team-a")::get));
        WorkerCommand worker = (WorkerCommand) commandLine.parseArgs("worker").subcommand().commandSpec()
                .userObject();

        assertThat(worker.maxInFlight).isEqualTo(defaults.maxInFlight());
        assertThat(worker.recordsPerPoll).isEqualTo("auto");
        assertThat(WorkerCommand.recordsPerPoll(worker.recordsPerPoll)).isNull();
        assertThat(WorkerCommand.recordsPerPoll("40")).isEqualTo(40);
        assertThatThrownBy(() -> WorkerCommand.recordsPerPoll("many"))
                .hasMessageContaining("--records-per-poll 'many' must be auto or a whole number");
        assertThat(worker.branchTimeout).isEqualTo(defaults.defaultTimeout());
        assertThat(worker.recordLock).isEqualTo(defaults.recordLockDuration());
        assertThat(worker.shutdownGrace).isEqualTo(defaults.shutdownGrace());
        assertThat(worker.httpPort).isEqualTo(defaults.httpPort());
        assertThat(worker.progressEvents).isEqualTo(defaults.progressEvents());
        assertThat(worker.simulatedLatency).isEqualTo("200ms..600ms");
        assertThat(worker.workerGroup).isEqualTo("team-a");
    }

    @Test
    void durations_are_written_as_people_write_them() {
        assertThat(OptionDefaults.text(Duration.ofMillis(30))).isEqualTo("30ms");
        assertThat(OptionDefaults.text(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(OptionDefaults.text(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(OptionDefaults.text(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(OptionDefaults.text(Duration.ZERO)).isEqualTo("0ms");
    }
}
