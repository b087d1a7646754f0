package io.braid.cli.commands;

import io.braid.schema.TopicSchemas;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code braid schemas export DIR}: Braid's record schemas as {@code .avsc} files. */
@Command(name = "schemas", mixinStandardHelpOptions = true,
        description = "Braid's record schemas (the contract of its topics), as the orchestrator registers them.",
        subcommands = SchemasCommand.Export.class)
public final class SchemasCommand implements Runnable {

    @Override
    public void run() {
        throw new IllegalArgumentException("choose a subcommand: 'braid schemas export DIR'");
    }

    /** Writes one {@code <Record>.avsc} per record Braid registers. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes one <Record>.avsc per record on Braid's topics (JobRequest, JobResult, JobEvent, "
                    + "...) into DIR, created if missing; files of the same name are replaced.",
                    "The same files are published in the repository under schemas/avsc/."})
    public static final class Export implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "The directory to write the .avsc files to")
        Path dir;

        @Override
        public Integer call() {
            try {
                Files.createDirectories(dir);
                for (Schema schema : TopicSchemas.records()) {
                    Path file = dir.resolve(TopicSchemas.fileName(schema));
                    Files.writeString(file, TopicSchemas.fileText(schema));
                    System.out.println(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the schemas to " + dir + ": " + e.getMessage(), e);
            }
            return 0;
        }
    }
}
