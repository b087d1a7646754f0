package io.braid.bench.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The soak's pure parts: growth of a quantity (last third over middle third), its samples as CSV and as a PNG,
 * what the probes read from jstat and Prometheus text, its settings refused out of range, and that it runs only
 * when named.
 */
class SoakSamplesTest {

    @Test
    void a_flat_series_grows_by_one_and_a_rising_one_by_its_last_third_over_its_middle_third() {
        assertThat(SoakSamples.growth(List.of(5.0, 100.0, 100.0, 100.0, 100.0, 100.0))).isEqualTo(1.0);
        // middle third (indices 2, 3) 30 and 40, last third (4, 5) 50 and 60: 55 / 35
        assertThat(SoakSamples.growth(List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0))).isCloseTo(55.0 / 35, within(1e-9));
        assertThat(SoakSamples.growth(List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0))).isGreaterThan(SoakScenario
                .GROWTH_GOAL);
    }

    @Test
    void growth_leaves_out_values_not_read_and_is_undefined_with_too_few_samples() {
        assertThat(SoakSamples.growth(List.of(1.0, 2.0, 4.0, Double.NaN, 4.0, 6.0))).isCloseTo(5.0 / 4, within(1e-9));
        assertThat(SoakSamples.growth(List.of(1.0, 2.0))).isNaN();
        assertThat(SoakSamples.growth(List.of(1.0, Double.NaN, 2.0))).isNaN();
        assertThat(SoakSamples.growth(List.of(0.0, 0.0, 0.0))).isEqualTo(1.0);
        assertThat(SoakSamples.growth(List.of(0.0, 0.0, 3.0))).isInfinite();
    }

    @Test
    void the_csv_has_a_header_and_a_line_per_sample_with_values_not_read_left_empty(@TempDir Path dir)
            throws Exception {
        SoakSamples samples = twoSamples();
        Path csv = dir.resolve("soak.csv");
        samples.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("minutes,orchestrator_heap_used_mib,").endsWith(",job_results_per_s");
        assertThat(lines.get(0).split(",")).hasSize(SoakSamples.COLUMNS.size() + 1);
        assertThat(lines.get(1)).startsWith("0.167,,").endsWith(",19.500");
        assertThat(lines.get(2)).startsWith("0.333,101.000,");
    }

    @Test
    void a_sample_with_the_wrong_number_of_values_is_refused() {
        assertThatThrownBy(() -> new SoakSamples().add(1, 1.0, 2.0))
                .hasMessageContaining("has " + SoakSamples.COLUMNS.size() + " values, not 2");
    }

    @Test
    void the_plot_is_a_png_of_every_panel_with_the_series_drawn(@TempDir Path dir) throws Exception {
        SoakSamples samples = new SoakSamples();
        for (int i = 1; i <= 30; i++) {
            double[] values = new double[SoakSamples.COLUMNS.size()];
            Arrays.fill(values, 50 + Math.min(i, 10));
            samples.add(i / 6.0, values);
        }
        Path png = dir.resolve("soak.png");
        SoakPlot.write(samples, "soak", png);
        assertThat(Files.size(png)).isPositive();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isGreaterThan(1000);
        long blue = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                blue += (image.getRGB(x, y) & 0xffffff) == 0x1f77b4 ? 1 : 0;
            }
        }
        assertThat(blue).as("the first series of each panel is drawn").isGreaterThan(1000);
    }

    @Test
    void an_empty_run_still_plots() throws Exception {
        Path png = Files.createTempFile("soak-empty", ".png");
        SoakPlot.write(new SoakSamples(), "soak", png);
        assertThat(Files.size(png)).isPositive();
        Files.delete(png);
    }

    @Test
    void heap_is_read_from_jstat_gc_in_kib_and_a_gauge_from_prometheus_text() {
        String jstat = """
                 S0C    S1C    S0U    S1U      EC       EU        OC         OU       MC     MU    CCSC   CCSU   YGC     YGCT    FGC    FGCT     CGC    CGCT     GCT
                 0.0   2048.0  0.0   1024.0  20480.0  10240.0   40960.0    20480.0  60000.0 59000.0 7000.0 6500.0     12    0.100     0    0.000     2    0.010    0.110
                """;
        double[] heap = SoakProbes.parseJstatGc(jstat);
        assertThat(heap[0]).isCloseTo(31.0, within(1e-9));
        assertThat(heap[1]).isCloseTo(20.0, within(1e-9));
        assertThat(SoakProbes.parseJstatGc("12345 not found")[0]).isNaN();
        String metrics = "# HELP braid_jobs_held jobs\n# TYPE braid_jobs_held gauge\nbraid_jobs_held 1234.0\n"
                + "braid_jobs_held_total 9\n";
        assertThat(SoakProbes.prometheusValue(metrics, "braid_jobs_held")).isEqualTo(1234.0);
        assertThat(SoakProbes.prometheusValue(metrics, "braid_dead_letters")).isNaN();
    }

    @Test
    void soak_settings_out_of_range_are_refused_naming_the_option() {
        assertThatThrownBy(() -> new SoakSettings(0, 20)).hasMessageContaining("--soak-minutes 0 is out of range")
                .hasMessageContaining("1 to 1440");
        assertThatThrownBy(() -> new SoakSettings(1441, 20)).hasMessageContaining("--soak-minutes 1441");
        assertThatThrownBy(() -> new SoakSettings(30, 0)).hasMessageContaining("--soak-rate 0.0 is out of range");
        assertThatThrownBy(() -> new SoakSettings(30, Double.NaN)).hasMessageContaining("--soak-rate NaN");
        assertThat(SoakSettings.DEFAULTS).isEqualTo(new SoakSettings(30, 20));
    }

    @Test
    void the_soak_runs_only_when_named_and_the_other_scenarios_by_default() {
        SuiteContext all = new SuiteContext(settings(java.util.Set.of()), System.out);
        assertThat(all.wants("soak")).isFalse();
        assertThat(all.wants("fan-in")).isTrue();
        assertThat(all.wants("cluster")).isTrue();
        SuiteContext named = new SuiteContext(settings(java.util.Set.of("soak")), System.out);
        assertThat(named.wants("soak")).isTrue();
        assertThat(named.wants("fan-in")).isFalse();
    }

    private static ScenarioBenchmark.Settings settings(java.util.Set<String> scenarios) {
        return new ScenarioBenchmark.Settings(1, 0, java.time.Duration.ZERO, java.time.Duration.ZERO, scenarios, 1, 1,
                Path.of("logs"), Path.of("celery.sh"), null, null, FlowSizes.DEFAULTS, SoakSettings.DEFAULTS,
                Path.of("."));
    }

    private static SoakSamples twoSamples() {
        SoakSamples samples = new SoakSamples();
        double[] first = new double[SoakSamples.COLUMNS.size()];
        Arrays.fill(first, 100);
        first[0] = Double.NaN;
        first[first.length - 1] = 19.5;
        samples.add(10 / 60.0, first);
        double[] second = first.clone();
        second[0] = 101;
        samples.add(20 / 60.0, second);
        return samples;
    }
}
