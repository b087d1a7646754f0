package io.braid.bench.internal;

import java.util.Locale;

/**
 * How long and how hard the {@code soak} scenario runs ({@code braid bench --soak-minutes}, {@code --soak-rate}).
 *
 * @param minutes       how long jobs go in at the steady rate, 1 – 1,440 (default 30)
 * @param jobsPerSecond jobs of {@value SoakScenario#BRANCHES} branches submitted per second, 0.1 – 1,000
 *                      (default 20)
 */
public record SoakSettings(int minutes, double jobsPerSecond) {

    public static final SoakSettings DEFAULTS = new SoakSettings(30, 20);
    public static final int MAX_MINUTES = 1440;
    public static final double MAX_RATE = 1000;

    public SoakSettings {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new IllegalArgumentException("--soak-minutes " + minutes + " is out of range; choose 1 to "
                    + MAX_MINUTES + " (a day)");
        }
        if (!(jobsPerSecond >= 0.1 && jobsPerSecond <= MAX_RATE)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--soak-rate %s is out of range; choose 0.1 "
                    + "to %.0f jobs/s", jobsPerSecond, MAX_RATE));
        }
    }
}
