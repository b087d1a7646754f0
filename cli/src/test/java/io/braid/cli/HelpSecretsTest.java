package io.braid.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --help} never prints a secret taken from the environment: a registry URL with a password in
 * {@code BRAID_REGISTRY_URL} shows as the variable's name, and API tokens not at all, in every command's help.
 */
class HelpSecretsTest {

    private static final String PASSWORD = "hunter2-7f3a9c";

    /** Prints every command's help, as {@code braid COMMAND --help} would, in one JVM. */
    public static final class PrintAllHelp {
        public static void main(String[] args) {
            print(Main.commandLine());
        }

        private static void print(CommandLine command) {
            System.out.println(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
            command.getSubcommands().values().forEach(PrintAllHelp::print);
        }
    }

    @Test
    void a_registry_password_or_api_token_from_the_environment_is_in_no_help() throws Exception {
        ProcessBuilder help = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PrintAllHelp.class.getName()))
                .redirectErrorStream(true);
        help.environment().put("BRAID_REGISTRY_URL", "https://svc:" + PASSWORD + "@registry.internal:8081");
        help.environment().put("BRAID_API_TOKEN", "operate-" + PASSWORD);
        help.environment().put("BRAID_API_READ_TOKEN", "read-" + PASSWORD);
        help.environment().put("BRAID_REGISTRY_USERNAME", "svc");
        help.environment().put("BRAID_REGISTRY_PASSWORD", "raw-" + PASSWORD);
        Process process = help.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Usage: braid worker").doesNotContain(PASSWORD).doesNotContain("registry.internal");
        assertThat(output.replaceAll("\\s+", " ")).as("help names the variable and the built-in default only")
                .contains("BRAID_REGISTRY_URL; default: http://127.0.0.1:");
    }
}
