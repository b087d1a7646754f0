package io.braid.worker.internal.tools;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.tool.ToolLimitException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;

/**
 * A regular expression a user wrote, run by RE2J: matching takes time linear in the input, whatever the pattern
 * ({@code (a+)+$} included), and stops when the thread is interrupted (a branch's timeout). What RE2J cannot run in
 * linear time (backreferences, lookaround) is refused, as is a pattern longer than {@link #MAX_LENGTH} or one whose
 * counted repetitions expand past {@link #MAX_SIZE} (RE2J would build the expansion: {@code ((a{1000}){1000}){1000}}
 * fills the heap).
 */
final class SafePattern {

    /** The longest pattern accepted, in characters. */
    static final int MAX_LENGTH = 1_000;
    /** The most a pattern may expand to, counted repetitions multiplied out (about RE2J's instructions). */
    static final int MAX_SIZE = 10_000;
    private static final int INTERRUPT_CHECK_EVERY = 4_096;

    private final Pattern pattern;

    private SafePattern(Pattern pattern) {
        this.pattern = pattern;
    }

    /**
     * Compiles {@code regex} with JSONPath's flag letters ({@code i} case-insensitive, {@code m} multi-line,
     * {@code s} dot matches newlines; {@code u} is accepted, RE2J folds Unicode case anyway).
     */
    static SafePattern compile(String regex, String flags, String tool) {
        if (regex.length() > MAX_LENGTH) {
            throw new ToolLimitException(tool + ": the pattern has " + regex.length() + " characters, over the limit "
                    + "of " + MAX_LENGTH);
        }
        long size = size(regex);
        if (size > MAX_SIZE) {
            throw new ToolLimitException(tool + ": the pattern /" + regex + "/ expands to more than " + MAX_SIZE
                    + " steps (its counted repetitions multiplied out), the limit; use fewer or smaller {n}");
        }
        int options = 0;
        for (char flag : flags.toCharArray()) {
            options |= switch (flag) {
                case 'i' -> Pattern.CASE_INSENSITIVE;
                case 'm' -> Pattern.MULTILINE;
                case 's' -> Pattern.DOTALL;
                case 'u' -> 0;
                default -> throw new ToolArgumentsException(tool + ": the pattern flag '" + flag + "' is not "
                        + "supported; use i, m, s");
            };
        }
        try {
            return new SafePattern(Pattern.compile(regex, options));
        } catch (PatternSyntaxException e) {
            throw new ToolArgumentsException(tool + ": /" + regex + "/ is not a pattern this worker runs ("
                    + e.getMessage() + "); patterns run in linear time (RE2 syntax): no backreferences or lookaround");
        }
    }

    /** Whether the whole of {@code input} matches; throws {@link CancellationException} if interrupted. */
    boolean matches(String input) {
        return pattern.matcher(new Interruptible(input)).matches();
    }

    /**
     * How large {@code regex} is with its counted repetitions multiplied out: each literal, class or operator 1, a
     * group the sum of its parts, {@code x{n,m}} x's size times m (n + 1 when unbounded). Stops counting once past
     * {@link #MAX_SIZE}.
     */
    static long size(String regex) {
        Deque<long[]> groups = new ArrayDeque<>(); // per open group: {sum before it, last item before it}
        long sum = 0;
        long last = 0;
        for (int i = 0; i < regex.length() && sum <= MAX_SIZE; i++) {
            char c = regex.charAt(i);
            long item = 1;
            switch (c) {
                case '\\' -> i = regex.startsWith("p{", i + 1) || regex.startsWith("P{", i + 1)
                        ? Math.max(regex.indexOf('}', i), i + 1) : i + 1;
                case '[' -> i = classEnd(regex, i);
                case '(' -> {
                    groups.push(new long[] {sum, last});
                    sum = 0;
                    last = 0;
                    continue;
                }
                case ')' -> {
                    long[] outer = groups.isEmpty() ? new long[] {0, 0} : groups.pop();
                    item = sum + 1;
                    sum = outer[0];
                }
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    long count = close < 0 ? -1 : repeatCount(regex.substring(i + 1, close));
                    if (count >= 0) {
                        long extra = Math.min(last * Math.max(count - 1, 0), MAX_SIZE + 1L);
                        sum += extra;
                        last = Math.min(last * Math.max(count, 1), MAX_SIZE + 1L);
                        i = close;
                        continue;
                    }
                }
                default -> {
                    // a literal or an operator: 1
                }
            }
            sum += item;
            last = item;
        }
        return sum;
    }

    /** The count a repetition {@code n}, {@code n,} or {@code n,m} stands for; -1 when it is not one. */
    private static long repeatCount(String body) {
        String[] parts = body.split(",", -1);
        if (parts.length > 2 || parts[0].isEmpty() || !parts[0].chars().allMatch(Character::isDigit)
                || parts.length == 2 && !parts[1].chars().allMatch(Character::isDigit)) {
            return -1;
        }
        String counted = parts.length == 2 && !parts[1].isEmpty() ? parts[1] : parts[0];
        long count = counted.length() > 7 ? 10_000_000 : Long.parseLong(counted);
        return parts.length == 2 && parts[1].isEmpty() ? count + 1 : count;
    }

    /** The index of the ']' closing the class that opens at {@code open}. */
    private static int classEnd(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++;
        }
        for (; i < regex.length(); i++) {
            if (regex.charAt(i) == '\\') {
                i++;
            } else if (regex.charAt(i) == ']') {
                return i;
            }
        }
        return regex.length();
    }

    /** The input as RE2J reads it, one character at a time, checking now and then for an interrupt. */
    private static final class Interruptible implements CharSequence {
        private final String text;
        private int reads;

        Interruptible(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (++reads % INTERRUPT_CHECK_EVERY == 0 && Thread.currentThread().isInterrupted()) {
                throw new CancellationException("pattern matching interrupted");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
