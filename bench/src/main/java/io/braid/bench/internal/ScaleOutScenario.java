package io.braid.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code scale-out} scenario: 1, 2 and 4 worker processes on I/O-bound branches ({@link ScaleOut}); sustained
 * and whole-batch rates, and the ratio per doubling of the sustained ones.
 */
final class ScaleOutScenario extends SuiteScenario {

    ScaleOutScenario(SuiteContext suite) {
        super(suite);
    }

    void run() throws Exception {
        out.printf("%n[scale-out: 1, 2, 4 worker processes, %d in flight each, %d ms branches]%n", ScaleOut.IN_FLIGHT,
                ScaleOut.BRANCH_LATENCY.toMillis());
        ScaleOut scaleOut = new ScaleOut(settings.logDir(), out);
        Map<Integer, List<BatchRate>> rates = scaleOut.run(settings.warmups(), settings.runs());
        rates.forEach((workers, perRun) -> suite.scaleOutRates().put(workers,
                perRun.stream().map(BatchRate::sustained).toList()));
        List<Double> oneToTwo = new ArrayList<>();
        List<Double> twoToFour = new ArrayList<>();
        for (int i = 0; i < rates.get(1).size(); i++) {
            oneToTwo.add(rates.get(2).get(i).sustained() / rates.get(1).get(i).sustained());
            twoToFour.add(rates.get(4).get(i).sustained() / rates.get(2).get(i).sustained());
        }
        rates.forEach((workers, perRun) -> {
            String processes = workers + " worker process" + (workers > 1 ? "es" : "");
            suite.add(new Measurement("scale-out", processes + ", sustained", "branches/s",
                    perRun.stream().map(BatchRate::sustained).toList(), null, false,
                    String.format(Locale.ROOT, "the in-flight caps allow %.0f", ScaleOut.ideal(workers))));
            suite.add(new Measurement("scale-out", processes + ", whole batch", "branches/s",
                    perRun.stream().map(BatchRate::batch).toList(), null, false,
                    "first task written to last result read: adds ramp-up and drain"));
        });
        suite.add(new Measurement("scale-out", "1 → 2 workers", "×", oneToTwo, 1.9, false,
                "sustained rates, ratio within each run"));
        suite.add(new Measurement("scale-out", "2 → 4 workers", "×", twoToFour, 1.9, false,
                "sustained rates, ratio within each run"));
    }
}
