package io.braid.cli.view;

import java.util.List;

/**
 * Drawing time on a line of characters: a branch's span as a bar, and many branches as a histogram. Offsets are
 * milliseconds from the job's submission and may be negative or beyond the end when the clocks of the client and
 * the workers differ: they are clamped to the line.
 */
final class Timeline {

    private static final String LEVELS = " ▁▂▃▄▅▆▇█";

    private Timeline() {
    }

    /** A bar of {@code width} cells over {@code total} ms with the cells of {@code start}..{@code end} filled. */
    static String bar(long start, long end, long total, int width) {
        int from = cell(start, total, width);
        int to = (int) Math.max(from + 1, Math.min(width, Math.ceil((double) end * width / Math.max(1, total))));
        return " ".repeat(from) + "█".repeat(to - from) + " ".repeat(width - to);
    }

    /** The cell of {@code offset} ms on a line of {@code width} cells over {@code total} ms, within the line. */
    static int cell(long offset, long total, int width) {
        long cell = offset * width / Math.max(1, total);
        return (int) Math.max(0, Math.min(width - 1, cell));
    }

    /**
     * How many of the spans ({@code {start, end}} in ms) ran during each of {@code width} columns over
     * {@code total} ms.
     */
    static int[] running(List<long[]> spans, long total, int width) {
        int[] counts = new int[width];
        for (long[] span : spans) {
            int from = cell(span[0], total, width);
            int to = Math.max(from, cell(span[1], total, width));
            for (int column = from; column <= to; column++) {
                counts[column]++;
            }
        }
        return counts;
    }

    /** How many of {@code offsets} (ms) fall in each of {@code width} columns over {@code total} ms. */
    static int[] counts(List<Long> offsets, long total, int width) {
        int[] counts = new int[width];
        offsets.forEach(offset -> counts[cell(offset, total, width)]++);
        return counts;
    }

    /** {@code counts} as a line of block characters scaled to their maximum; any count above 0 shows. */
    static String sparkline(int[] counts) {
        int max = max(counts);
        StringBuilder line = new StringBuilder(counts.length);
        for (int count : counts) {
            int level = count == 0 ? 0 : (int) Math.max(1, Math.ceil(count * 8.0 / max));
            line.append(LEVELS.charAt(level));
        }
        return line.toString();
    }

    static int max(int[] counts) {
        int max = 0;
        for (int count : counts) {
            max = Math.max(max, count);
        }
        return max;
    }
}
