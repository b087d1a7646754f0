package io.braid.cli;

import picocli.CommandLine;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which {@code BRAID_*} environment variables a braid command reads: those its options default from (in their
 * annotations or through {@link io.braid.cli.commands.OptionDefaults}), and the
 * secrets an option's description names as read from the environment (tokens and registry credentials never
 * have an option value).
 */
final class BraidEnvironment {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:(BRAID_[A-Z0-9_]+)");
    private static final Pattern SECRET = Pattern.compile("BRAID_[A-Z0-9_]*(TOKEN|USERNAME|PASSWORD)\\b");

    private BraidEnvironment() {
    }

    static Set<String> readBy(String command) {
        CommandLine.Model.CommandSpec spec = Main.commandLine().getSubcommands().get(command).getCommandSpec();
        spec.interpolateVariables(false); // read "${env:NAME:-default}" as written, not its value here
        Set<String> names = new TreeSet<>();
        io.braid.cli.commands.OptionDefaults defaults = io.braid.cli.commands.OptionDefaults.fromEnvironment();
        for (CommandLine.Model.OptionSpec option : spec.options()) {
            defaults.variable(option).ifPresent(names::add);
            if (option.defaultValue() != null) {
                Matcher matcher = ENV.matcher(option.defaultValue());
                while (matcher.find()) {
                    names.add(matcher.group(1));
                }
            }
            Matcher secret = SECRET.matcher(String.join(" ", option.description()));
            while (secret.find()) {
                names.add(secret.group());
            }
        }
        return names;
    }

    /** The {@code BRAID_*} names among {@code names}, except BRAID_HEALTH_PORT (read by the image's HEALTHCHECK). */
    static Set<String> braidVariables(Collection<String> names) {
        Set<String> braid = new TreeSet<>();
        names.stream().filter(n -> n.startsWith("BRAID_") && !n.equals("BRAID_HEALTH_PORT")).forEach(braid::add);
        return braid;
    }
}
