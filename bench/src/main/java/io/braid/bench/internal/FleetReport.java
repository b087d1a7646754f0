package io.braid.bench.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fleet benchmark's summary: medians over the runs, ratios computed within each run and then their median,
 * and each goal met or not.
 *
 * @param runs                       repetitions
 * @param cores                      processors of this machine
 * @param inFlightPeak               (a) median of the runs' peak in flight
 * @param inFlightMedianWhileBusy    (a) median of the runs' median in flight while busy
 * @param inFlightPeakRssMiB         (a) median of the runs' peak RSS of the worker process
 * @param branchesPerSecondByWorkers (b) median branches/s per worker count
 * @param ratioTwoToOne              (b) median of the runs' 2-worker / 1-worker throughput
 * @param ratioFourToTwo             (b) median of the runs' 4-worker / 2-worker throughput
 * @param endToEndBranchesPerSecond  (c) median branches/s through the whole fleet
 * @param goals                      each goal and whether it was met
 * @param raw                        every run's figures
 */
public record FleetReport(int runs, int cores, double inFlightPeak, double inFlightMedianWhileBusy,
                          double inFlightPeakRssMiB, Map<Integer, Double> branchesPerSecondByWorkers,
                          double ratioTwoToOne, double ratioFourToTwo, double endToEndBranchesPerSecond,
                          List<Goal> goals, FleetBenchmark.Figures raw) {

    /** A target from the issue and what was measured against it. */
    public record Goal(String name, String target, String measured, boolean met) {
    }

    public static FleetReport of(FleetBenchmark.Figures figures) {
        double peak = Stats.median(figures.inFlight().stream().map(FleetBenchmark.InFlight::peak).toList());
        double busy = Stats.median(figures.inFlight().stream().map(FleetBenchmark.InFlight::medianWhileBusy).toList());
        double rss = Stats.median(figures.inFlight().stream().map(r -> r.peakRssBytes() / (1024.0 * 1024)).toList());
        Map<Integer, Double> byWorkers = new java.util.TreeMap<>();
        figures.scaling().forEach((workers, rates) -> byWorkers.put(workers, Stats.median(rates)));
        List<Double> twoToOne = new ArrayList<>();
        List<Double> fourToTwo = new ArrayList<>();
        for (int run = 0; run < figures.settings().runs(); run++) {
            twoToOne.add(figures.scaling().get(2).get(run) / figures.scaling().get(1).get(run));
            fourToTwo.add(figures.scaling().get(4).get(run) / figures.scaling().get(2).get(run));
        }
        double ratio21 = Stats.median(twoToOne);
        double ratio42 = Stats.median(fourToTwo);
        double endToEnd = Stats.median(figures.endToEnd());
        List<Goal> goals = List.of(
                new Goal("(a) one worker in flight, 1 s branches", ">= 1000 in flight under 512 MiB RSS",
                        String.format("%.0f peak, %.0f median while busy, %.0f MiB", peak, busy, rss),
                        peak >= 1000 && rss > 0 && rss < 512),
                new Goal("(b) throughput per doubling of workers", ">= 1.9x",
                        String.format("%.2fx (1->2), %.2fx (2->4)", ratio21, ratio42), ratio21 >= 1.9 && ratio42 >= 1.9),
                new Goal("(c) zero-latency branches through the whole fleet in one JVM", ">= 10000 branches/s",
                        String.format("%.0f branches/s", endToEnd), endToEnd >= 10_000));
        return new FleetReport(figures.settings().runs(), Runtime.getRuntime().availableProcessors(), peak, busy, rss,
                byWorkers, ratio21, ratio42, endToEnd, goals, figures);
    }

    public String text() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("Fleet benchmark: medians of %d run(s), %d cores, simulated branches%n", runs, cores));
        text.append(String.format("(a) one worker process, 1 s branches: peak %.0f in flight, median %.0f while busy, "
                + "peak RSS %.0f MiB%n", inFlightPeak, inFlightMedianWhileBusy, inFlightPeakRssMiB));
        branchesPerSecondByWorkers.forEach((workers, rate) -> text.append(String.format(
                "(b) %d worker(s) x 100 in flight, 200 ms branches: %.0f branches/s%n", workers, rate)));
        text.append(String.format("(b) ratio per doubling: %.2fx (1->2), %.2fx (2->4)%n", ratioTwoToOne,
                ratioFourToTwo));
        text.append(String.format("(c) whole fleet in one JVM, zero-latency branches: %.0f branches/s%n",
                endToEndBranchesPerSecond));
        for (Goal goal : goals) {
            text.append(String.format("%-4s %s: goal %s, measured %s%n", goal.met() ? "MET" : "MISS", goal.name(),
                    goal.target(), goal.measured()));
        }
        return text.toString();
    }
}
