package io.braid.bench.internal;

import io.braid.cli.stack.BraidProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code cold-demo} scenario: {@code braid demo} in a fresh JVM, command to answer. */
final class ColdDemoScenario extends SuiteScenario {

    ColdDemoScenario(SuiteContext suite) {
        super(suite);
    }

    void run() throws Exception {
        out.printf("%n[cold demo: 'braid demo' in a fresh JVM each time]%n");
        List<Double> seconds = new ArrayList<>();
        for (int run = 1 - settings.warmups(); run <= settings.runs(); run++) {
            Path log = settings.logDir().resolve("cold-demo-" + (run < 1 ? "warmup" : run) + ".log");
            long start = System.nanoTime();
            Process demo = BraidProcess.start(List.of(), List.of("demo"), log);
            if (!demo.waitFor(2, TimeUnit.MINUTES)) {
                demo.destroyForcibly();
                throw new IllegalStateException("braid demo did not finish within 2 minutes; see " + log);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            String printed = Files.readString(log);
            if (demo.exitValue() != 0 || !printed.contains("SUCCEEDED")) {
                throw new IllegalStateException("braid demo failed (exit " + demo.exitValue() + "); see " + log);
            }
            if (run >= 1) {
                seconds.add(elapsed);
            }
            out.printf("  cold demo run %2d%s: %.1f s%n", run, run < 1 ? " (warm-up)" : "", elapsed);
        }
        suite.add(new Measurement("cold-demo", "command to answer", "s", seconds, 20.0, true,
                "new JVM: embedded broker, registry, orchestrator, 3 workers, the sample job"));
    }
}
