package io.braid.worker.internal.tools;

import com.jayway.jsonpath.Predicate;
import dev.langchain4j.exception.ToolArgumentsException;

import java.util.ArrayList;
import java.util.List;

/**
 * JSONPath inline filters that use {@code =~}, taken out of the path so that Jayway's backtracking engine never runs
 * a pattern a user wrote: each such {@code [?(...)]} becomes a {@code [?]} placeholder whose predicate is a
 * {@link FilterExpression} (RE2J for the {@code =~} relations, Jayway for the others). A {@code =~} anywhere else
 * (inside a filter within a filter) is refused. A path without {@code =~} is left as written.
 *
 * @param path       the path for {@code JsonPath.compile}
 * @param predicates the placeholders' predicates, in order
 */
record RegexFilters(String path, List<Predicate> predicates) {

    static final String TOOL = "json_extract";

    static RegexFilters of(String path) {
        if (!hasRegexOperator(path, 0, path.length())) {
            return new RegexFilters(path, List.of());
        }
        if (path.replace(" ", "").contains("[?]")) {
            throw new ToolArgumentsException(TOOL + ": '[?]' placeholders cannot be used in a path");
        }
        StringBuilder out = new StringBuilder();
        List<Predicate> predicates = new ArrayList<>();
        int i = 0;
        while (i < path.length()) {
            int skipped = skipLiteral(path, i);
            if (skipped > i) {
                out.append(path, i, skipped);
                i = skipped;
                continue;
            }
            int open = filterOpen(path, i);
            if (open < 0) {
                out.append(path.charAt(i++));
                continue;
            }
            int close = closingParen(path, open);
            int bracket = nextSignificant(path, close + 1);
            if (close >= path.length() || bracket >= path.length() || path.charAt(bracket) != ']') {
                throw new ToolArgumentsException(TOOL + ": the filter at position " + i + " of '" + path
                        + "' is not closed with ')]'");
            }
            if (hasRegexOperator(path, open, close)) {
                out.append("[?]");
                predicates.add(FilterExpression.parse(path.substring(open, close)));
            } else {
                out.append(path, i, bracket + 1);
            }
            i = bracket + 1;
        }
        String rewritten = out.toString();
        if (hasRegexOperator(rewritten, 0, rewritten.length())) {
            throw new ToolArgumentsException(TOOL + ": '=~' is supported only in a filter's own relations "
                    + "([?(@.name =~ /pattern/)])");
        }
        return new RegexFilters(rewritten, List.copyOf(predicates));
    }

    /** Whether {@code =~} appears in {@code text[from, to)} outside string and pattern literals. */
    static boolean hasRegexOperator(String text, int from, int to) {
        for (int i = from; i < to; ) {
            int skipped = skipLiteral(text, i);
            if (skipped > i) {
                i = skipped;
            } else if (text.startsWith("=~", i)) {
                return true;
            } else {
                i++;
            }
        }
        return false;
    }

    /**
     * The index past the string ('…' or "…") or pattern (/…/flags after {@code =~}) literal starting at {@code i},
     * or {@code i} when none starts there.
     */
    static int skipLiteral(String text, int i) {
        char c = text.charAt(i);
        if (c == '\'' || c == '"') {
            for (int j = i + 1; j < text.length(); j++) {
                if (text.charAt(j) == '\\') {
                    j++;
                } else if (text.charAt(j) == c) {
                    return j + 1;
                }
            }
            return text.length();
        }
        if (c == '/' && followsRegexOperator(text, i)) {
            return patternEnd(text, i);
        }
        return i;
    }

    /** Whether {@code =~}, then only whitespace, comes just before {@code i}. */
    private static boolean followsRegexOperator(String text, int i) {
        int j = i - 1;
        while (j >= 0 && Character.isWhitespace(text.charAt(j))) {
            j--;
        }
        return j >= 1 && text.charAt(j) == '~' && text.charAt(j - 1) == '=';
    }

    /** The index past the pattern literal {@code /…/flags} starting at {@code slash}. */
    static int patternEnd(String text, int slash) {
        for (int j = slash + 1; j < text.length(); j++) {
            if (text.charAt(j) == '\\') {
                j++;
            } else if (text.charAt(j) == '/') {
                int end = j + 1;
                while (end < text.length() && Character.isLetter(text.charAt(end))) {
                    end++;
                }
                return end;
            }
        }
        throw new ToolArgumentsException(TOOL + ": the pattern starting at position " + slash + " has no closing '/'");
    }

    /** The index just inside the '(' when an inline filter {@code [?(} opens at {@code i}, else -1. */
    private static int filterOpen(String path, int i) {
        if (path.charAt(i) != '[') {
            return -1;
        }
        int question = nextSignificant(path, i + 1);
        if (question >= path.length() || path.charAt(question) != '?') {
            return -1;
        }
        int paren = nextSignificant(path, question + 1);
        return paren < path.length() && path.charAt(paren) == '(' ? paren + 1 : -1;
    }

    /** The index of the ')' closing the parenthesis opened just before {@code from}. */
    private static int closingParen(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); ) {
            int skipped = skipLiteral(text, i);
            if (skipped > i) {
                i = skipped;
                continue;
            }
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
            i++;
        }
        return text.length();
    }

    static int nextSignificant(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
