package io.braid.bench.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The soak's samples as one PNG (headless AWT, as {@link BenchPlot}): one panel per quantity over the minutes of
 * the run, a line per process or measure, and dashed lines at a third and two thirds of the run, where the thirds
 * that {@link SoakSamples#growth} compares begin.
 */
final class SoakPlot {

    private static final int COLUMNS = 3;
    private static final int PANEL_WIDTH = 440;
    private static final int PANEL_HEIGHT = 300;
    private static final int WIDTH = 80 + COLUMNS * (PANEL_WIDTH + 90);
    private static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e)};
    private static final Color GREY = new Color(0x999999);

    private SoakPlot() {
    }

    static void write(SoakSamples samples, String title, Path png) throws IOException {
        int rows = (SoakSamples.PANELS.size() + COLUMNS - 1) / COLUMNS;
        int height = 60 + rows * (PANEL_HEIGHT + 90);
        BenchPlot.draw(WIDTH, height, title, png, g -> {
            double xMax = BenchPlot.niceCeiling(samples.minutes().stream().mapToDouble(Double::doubleValue).max()
                    .orElse(1));
            for (int i = 0; i < SoakSamples.PANELS.size(); i++) {
                int left = 90 + (i % COLUMNS) * (PANEL_WIDTH + 90);
                int top = 80 + (i / COLUMNS) * (PANEL_HEIGHT + 90);
                panel(g, left, top, samples, SoakSamples.PANELS.get(i), xMax);
            }
        });
    }

    private static void panel(Graphics2D g, int left, int top, SoakSamples samples, String panel, double xMax) {
        List<SoakSamples.Column> columns = SoakSamples.COLUMNS.stream().filter(c -> c.panel().equals(panel)).toList();
        double top1 = columns.stream().flatMap(c -> samples.series(c).stream()).filter(v -> !Double.isNaN(v))
                .mapToDouble(Double::doubleValue).max().orElse(1);
        double yMax = BenchPlot.niceCeiling(top1 * 1.1);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(panel + " (" + columns.get(0).unit() + ")", left, top - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, PANEL_WIDTH, PANEL_HEIGHT);
        for (int i = 0; i <= 5; i++) {
            int y = y(top, yMax * i / 5, yMax);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(left + 1, y, left + PANEL_WIDTH - 1, y);
            g.setColor(Color.BLACK);
            String label = number(yMax * i / 5);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
            int x = x(left, xMax * i / 5, xMax);
            String minute = number(xMax * i / 5);
            g.drawString(minute, x - g.getFontMetrics().stringWidth(minute) / 2, top + PANEL_HEIGHT + 18);
        }
        g.drawString("minutes", left + PANEL_WIDTH / 2 - 20, top + PANEL_HEIGHT + 36);
        List<Double> minutes = samples.minutes();
        double end = minutes.isEmpty() ? 0 : minutes.get(minutes.size() - 1);
        g.setColor(GREY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 5f}, 0f));
        for (double third : new double[] {end / 3, 2 * end / 3}) {
            g.drawLine(x(left, third, xMax), top, x(left, third, xMax), top + PANEL_HEIGHT);
        }
        int legendY = top + 16;
        for (int c = 0; c < columns.size(); c++) {
            SoakSamples.Column column = columns.get(c);
            g.setColor(SERIES[c % SERIES.length]);
            g.setStroke(new BasicStroke(2f));
            g.draw(path(left, top, minutes, samples.series(column), xMax, yMax));
            g.drawLine(left + 8, legendY - 4, left + 28, legendY - 4);
            g.setColor(Color.BLACK);
            g.drawString(column.label() + summary(column, samples.series(column)), left + 34, legendY);
            legendY += 16;
        }
        if (minutes.isEmpty()) {
            g.setColor(GREY);
            g.drawString("no samples", left + 20, top + PANEL_HEIGHT / 2);
        }
    }

    /** The growth of a quantity, or the mean of the last third of a rate. */
    private static String summary(SoakSamples.Column column, List<Double> values) {
        if (column.name().equals(SoakSamples.RESULTS_PER_SECOND)) {
            double last = SoakSamples.lastThird(values);
            return Double.isNaN(last) ? "" : String.format(Locale.ROOT, "  (last third %.1f%s)", last, column.unit());
        }
        double growth = SoakSamples.growth(values);
        return Double.isNaN(growth) ? "" : String.format(Locale.ROOT, "  (last / middle third %.2f×)", growth);
    }

    /** The line through the values that were read (a NaN breaks it). */
    private static Path2D path(int left, int top, List<Double> minutes, List<Double> values, double xMax,
                               double yMax) {
        Path2D path = new Path2D.Double();
        boolean drawing = false;
        for (int i = 0; i < values.size(); i++) {
            if (Double.isNaN(values.get(i))) {
                drawing = false;
                continue;
            }
            int x = x(left, minutes.get(i), xMax);
            int y = y(top, values.get(i), yMax);
            if (drawing) {
                path.lineTo(x, y);
            } else {
                path.moveTo(x, y);
                drawing = true;
            }
        }
        return path;
    }

    private static int x(int left, double minute, double xMax) {
        return left + (int) Math.round(minute / xMax * PANEL_WIDTH);
    }

    private static int y(int top, double value, double yMax) {
        return top + PANEL_HEIGHT - (int) Math.round(value / yMax * PANEL_HEIGHT);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
