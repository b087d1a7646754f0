package io.braid.bench.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where a benchmark leaves its figures: printed, and written as {@code <name>-<time>.json} and {@code .txt}. */
public final class BenchFiles {

    private BenchFiles() {
    }

    public static void report(PrintStream out, Path outputDir, String name, Object figures, String text)
            throws IOException {
        out.println();
        out.print(text);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Files.createDirectories(outputDir);
        Path json = outputDir.resolve(name + "-" + stamp + ".json");
        Path txt = outputDir.resolve(name + "-" + stamp + ".txt");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), figures);
        Files.writeString(txt, text);
        out.printf("%nWritten to %s and %s%n", json, txt);
    }
}
