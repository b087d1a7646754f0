package io.braid.bench.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The suite's PNG: it is a readable image, and it draws the measured series where they belong. */
class BenchPlotTest {

    private static final int MEASURED_BLUE = 0x1f77b4;

    /** Pixels of {@code rgb} in the left or the right half of the image. */
    private static long count(BufferedImage image, int rgb, boolean leftHalf) {
        long n = 0;
        int from = leftHalf ? 0 : image.getWidth() / 2;
        int to = leftHalf ? image.getWidth() / 2 : image.getWidth();
        for (int x = from; x < to; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void scale_out_and_overhead_curves_are_drawn_in_their_panels(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plot.png");
        BenchPlot.write(new BenchPlot.Curves(
                Map.of(1, List.of(38.0, 40.0), 2, List.of(75.0, 78.0), 4, List.of(150.0, 149.0)),
                Map.of(1, 50.0, 2, 100.0, 4, 200.0),
                Map.of("exactly-once", List.of(20.0, 22.0, 25.0, 40.0)),
                Map.of("exactly-once", 25.0)), "test", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(count(image, MEASURED_BLUE, true)).as("scale-out series").isGreaterThan(100);
        assertThat(count(image, MEASURED_BLUE, false)).as("exactly-once overhead series").isGreaterThan(100);
    }

    @Test
    void a_scenario_not_measured_leaves_its_panel_without_a_series(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plot.png");
        BenchPlot.write(new BenchPlot.Curves(Map.of(), Map.of(), Map.of("low-latency", List.of(9.0, 11.0)),
                Map.of()), "test", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(count(image, MEASURED_BLUE, true)).as("scale-out series").isZero();
        assertThat(count(image, MEASURED_BLUE, false)).as("low-latency overhead series").isGreaterThan(100);
    }

    @Test
    void axis_ranges_round_up_to_a_round_multiple_of_a_power_of_ten() {
        assertThat(BenchPlot.niceCeiling(0.7)).isEqualTo(0.8);
        assertThat(BenchPlot.niceCeiling(13)).isEqualTo(15.0);
        assertThat(BenchPlot.niceCeiling(220)).isEqualTo(250.0);
        assertThat(BenchPlot.niceCeiling(6100)).isEqualTo(8000.0);
        assertThat(BenchPlot.niceCeiling(1000)).isEqualTo(1000.0);
    }
}
