package io.braid.bench.internal;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The suite's curves as one PNG (headless AWT, no plotting library): on the left scale-out — branches/s per number
 * of worker processes, median with min–max, next to linear scaling from one process and to what the in-flight caps
 * allow; on the right the fan-in overhead of every measured job as a distribution (share of jobs at or under an
 * overhead) per mode, with each mode's p50 goal.
 */
public final class BenchPlot {

    /** What the plot draws; a side without data is drawn as "not measured". */
    public record Curves(Map<Integer, List<Double>> scaleOut, Map<Integer, Double> scaleOutAllowed,
                         Map<String, List<Double>> overheads, Map<String, Double> overheadGoals) {
    }

    /** A legend line: solid for measured data, dashed for references. */
    private record Key(String label, Color color, boolean dashed) {
    }

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 520;
    private static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    private static final Color GREY = new Color(0x777777);

    private BenchPlot() {
    }

    public static void write(Curves curves, String title, Path png) throws IOException {
        draw(WIDTH, HEIGHT, title, png, g -> {
            scaleOut(g, new Frame(80, 60, 480, 380), curves);
            overheads(g, new Frame(690, 60, 480, 380), curves);
        });
    }

    /** A white image of {@code width} × {@code height} with {@code title}, {@code body} drawn on it, as a PNG. */
    static void draw(int width, int height, String title, Path png, java.util.function.Consumer<Graphics2D> body)
            throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 20, 26);
            body.accept(g);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    /** A plot area in pixels and the data range it shows. */
    private record Frame(int left, int top, int width, int height) {
        int x(double value, double max) {
            return left + (int) Math.round(value / max * width);
        }

        int y(double value, double max) {
            return top + height - (int) Math.round(value / max * height);
        }
    }

    private static void scaleOut(Graphics2D g, Frame f, Curves curves) {
        Map<Integer, List<Double>> rates = new TreeMap<>(curves.scaleOut());
        double xMax = rates.keySet().stream().mapToInt(Integer::intValue).max().orElse(4) + 0.5;
        double top = rates.values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).max().orElse(1);
        top = Math.max(top, curves.scaleOutAllowed().values().stream().mapToDouble(Double::doubleValue).max()
                .orElse(0));
        double yMax = niceCeiling(top * 1.1);
        axes(g, f, "worker processes", "branches/s", xMax, yMax, rates.keySet().stream().map(n -> (double) n)
                .toList(), "Scale-out (I/O-bound branches)");
        if (rates.isEmpty()) {
            notMeasured(g, f);
            return;
        }
        List<Key> legend = new ArrayList<>();
        double perOne = Stats.median(rates.values().iterator().next()) / rates.keySet().iterator().next();
        dashed(g, GREY);
        line(g, f, xMax, yMax, rates.keySet().stream().map(n -> new double[] {n, perOne * n}).toList());
        legend.add(new Key("linear from the first count", GREY, true));
        if (!curves.scaleOutAllowed().isEmpty()) {
            dashed(g, SERIES[2]);
            line(g, f, xMax, yMax, new TreeMap<>(curves.scaleOutAllowed()).entrySet().stream()
                    .map(e -> new double[] {e.getKey(), e.getValue()}).toList());
            legend.add(new Key("what the in-flight caps allow", SERIES[2], true));
        }
        g.setColor(SERIES[0]);
        g.setStroke(new BasicStroke(2.5f));
        line(g, f, xMax, yMax, rates.entrySet().stream()
                .map(e -> new double[] {e.getKey(), Stats.median(e.getValue())}).toList());
        rates.forEach((n, values) -> {
            int x = f.x(n, xMax);
            g.drawLine(x, f.y(Stats.min(values), yMax), x, f.y(Stats.max(values), yMax));
            g.fillOval(x - 4, f.y(Stats.median(values), yMax) - 4, 8, 8);
            g.drawString(String.format(Locale.ROOT, "%.0f", Stats.median(values)), x + 8,
                    f.y(Stats.median(values), yMax) - 6);
        });
        legend.add(new Key("measured (median, min–max)", SERIES[0], false));
        legend(g, f, legend, false);
    }

    private static void overheads(Graphics2D g, Frame f, Curves curves) {
        double top = curves.overheads().values().stream().map(v -> Stats.percentile(v, 99))
                .mapToDouble(Double::doubleValue).max().orElse(10);
        double xMax = niceCeiling(Math.max(top, curves.overheadGoals().values().stream()
                .mapToDouble(Double::doubleValue).max().orElse(0)) * 1.1);
        List<Double> xTicks = new ArrayList<>();
        double step = niceCeiling(xMax / 6);
        for (double x = 0; x <= xMax + 1e-9; x += step) {
            xTicks.add(x);
        }
        axes(g, f, "fan-in overhead (ms); beyond the axis drawn at its end", "share of jobs", xMax, 1.0, xTicks,
                "Fan-in overhead, 10 no-op branches");
        if (curves.overheads().isEmpty()) {
            notMeasured(g, f);
            return;
        }
        List<Key> legend = new ArrayList<>();
        int series = 0;
        for (Map.Entry<String, List<Double>> mode : curves.overheads().entrySet()) {
            Color color = SERIES[series++ % SERIES.length];
            List<Double> sorted = mode.getValue().stream().sorted().toList();
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < sorted.size(); i++) {
                points.add(new double[] {Math.min(sorted.get(i), xMax), (i + 1.0) / sorted.size()});
            }
            g.setColor(color);
            g.setStroke(new BasicStroke(2.5f));
            line(g, f, xMax, 1.0, points);
            legend.add(new Key(mode.getKey() + String.format(Locale.ROOT, " (p50 of all its jobs %.1f ms)",
                    Stats.percentile(sorted, 50)), color, false));
            Double goal = curves.overheadGoals().get(mode.getKey());
            if (goal != null) {
                dashed(g, color);
                g.drawLine(f.x(goal, xMax), f.top(), f.x(goal, xMax), f.top() + f.height());
                legend.add(new Key(mode.getKey() + " p50 goal " + String.format(Locale.ROOT, "%.0f ms", goal), color,
                        true));
            }
        }
        legend(g, f, legend, true);
    }

    private static void axes(Graphics2D g, Frame f, String xLabel, String yLabel, double xMax, double yMax,
                             List<Double> xTicks, String title) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, f.left(), f.top() - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(f.left(), f.top(), f.width(), f.height());
        for (double tick : xTicks) {
            int x = f.x(tick, xMax);
            g.drawLine(x, f.top() + f.height(), x, f.top() + f.height() + 5);
            String label = number(tick);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, f.top() + f.height() + 19);
        }
        for (int i = 0; i <= 5; i++) {
            double value = yMax * i / 5;
            int y = f.y(value, yMax);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(f.left() + 1, y, f.left() + f.width() - 1, y);
            g.setColor(Color.BLACK);
            g.drawLine(f.left() - 5, y, f.left(), y);
            String label = yMax <= 1 ? String.format(Locale.ROOT, "%.0f%%", value * 100) : number(value);
            g.drawString(label, f.left() - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.drawString(xLabel, f.left() + (f.width() - g.getFontMetrics().stringWidth(xLabel)) / 2,
                f.top() + f.height() + 38);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(f.top() + (f.height() + g.getFontMetrics().stringWidth(yLabel)) / 2),
                f.left() - 55);
        rotated.dispose();
    }

    private static void line(Graphics2D g, Frame f, double xMax, double yMax, List<double[]> points) {
        Path2D path = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            if (i == 0) {
                path.moveTo(f.x(p[0], xMax), f.y(p[1], yMax));
            } else {
                path.lineTo(f.x(p[0], xMax), f.y(p[1], yMax));
            }
        }
        g.draw(path);
    }

    private static void dashed(Graphics2D g, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f},
                0f));
    }

    /** The legend in the frame's upper left corner, or its lower right one. */
    private static void legend(Graphics2D g, Frame f, List<Key> keys, boolean lowerRight) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int widest = keys.stream().mapToInt(key -> g.getFontMetrics().stringWidth(key.label())).max().orElse(0);
        int left = lowerRight ? f.left() + f.width() - widest - 50 : f.left();
        int y = lowerRight ? f.top() + f.height() - 17 * keys.size() : f.top() + 18;
        for (Key key : keys) {
            if (key.dashed()) {
                dashed(g, key.color());
            } else {
                g.setColor(key.color());
                g.setStroke(new BasicStroke(2.5f));
            }
            g.drawLine(left + 10, y - 4, left + 34, y - 4);
            g.setColor(Color.BLACK);
            g.drawString(key.label(), left + 40, y);
            y += 17;
        }
    }

    private static void notMeasured(Graphics2D g, Frame f) {
        g.setColor(GREY);
        g.drawString("not measured in this run", f.left() + 20, f.top() + f.height() / 2);
    }

    /** 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten, at or above {@code value}. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * power >= value - 1e-9) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
