package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Filter;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.Predicate;
import dev.langchain4j.exception.ToolArgumentsException;

import java.util.ArrayList;
import java.util.List;

import static io.braid.worker.internal.tools.RegexFilters.TOOL;

/**
 * One inline filter's expression, such as {@code @.name =~ /^br/i && @.price < 100}, as a JSONPath
 * {@link Predicate}: the {@code =~} relations are matched by RE2J ({@link SafePattern}), every other relation by
 * Jayway, and {@code &&}, {@code ||}, {@code !( )} and parentheses combine them. A {@code =~} relation matches when
 * its left side (a path from {@code @} or {@code $}) is a string, number or boolean whose whole text matches, or an
 * array with such an element; a missing value does not match.
 */
final class FilterExpression implements Predicate {

    private final Predicate root;

    private FilterExpression(Predicate root) {
        this.root = root;
    }

    static FilterExpression parse(String expression) {
        Parser parser = new Parser(expression);
        Predicate root = parser.or();
        if (parser.pos < expression.length()) {
            throw new ToolArgumentsException(TOOL + ": unexpected '" + expression.charAt(parser.pos)
                    + "' at position " + parser.pos + " of the filter '" + expression + "'");
        }
        return new FilterExpression(root);
    }

    @Override
    public boolean apply(PredicateContext context) {
        return root.apply(context);
    }

    /** or = and ('||' and)*; and = unary ('&&' unary)*; unary = '!' '(' or ')' | '(' or ')' | relation. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Predicate or() {
            List<Predicate> terms = new ArrayList<>(List.of(and()));
            while (accept("||")) {
                terms.add(and());
            }
            return terms.size() == 1 ? terms.getFirst() : context -> terms.stream().anyMatch(t -> t.apply(context));
        }

        private Predicate and() {
            List<Predicate> terms = new ArrayList<>(List.of(unary()));
            while (accept("&&")) {
                terms.add(unary());
            }
            return terms.size() == 1 ? terms.getFirst() : context -> terms.stream().allMatch(t -> t.apply(context));
        }

        private Predicate unary() {
            pos = RegexFilters.nextSignificant(text, pos);
            int next = RegexFilters.nextSignificant(text, pos + 1);
            if (text.startsWith("!", pos) && next < text.length() && text.charAt(next) == '(') {
                pos = next;
                Predicate inner = unary();
                return context -> !inner.apply(context);
            }
            if (accept("(")) {
                Predicate inner = or();
                if (!accept(")")) {
                    throw new ToolArgumentsException(TOOL + ": missing ')' in the filter '" + text + "'");
                }
                return inner;
            }
            return relation();
        }

        /** Text up to a top-level {@code &&}, {@code ||} or unmatched ')': a =~ relation, or one for Jayway. */
        private Predicate relation() {
            int start = pos;
            int depth = 0;
            int operator = -1;
            while (pos < text.length()) {
                int skipped = RegexFilters.skipLiteral(text, pos);
                if (skipped > pos) {
                    pos = skipped;
                    continue;
                }
                char c = text.charAt(pos);
                if (depth == 0 && (c == ')' || text.startsWith("&&", pos) || text.startsWith("||", pos))) {
                    break;
                }
                if (text.startsWith("=~", pos) && depth == 0 && operator < 0) {
                    operator = pos;
                }
                depth += c == '(' || c == '[' ? 1 : c == ')' || c == ']' ? -1 : 0;
                pos++;
            }
            String relation = text.substring(start, pos).strip();
            if (relation.isEmpty()) {
                throw new ToolArgumentsException(TOOL + ": an empty condition in the filter '" + text + "'");
            }
            String left = operator < 0 ? relation : text.substring(start, operator).strip();
            if (RegexFilters.hasRegexOperator(left, 0, left.length())) {
                throw new ToolArgumentsException(TOOL + ": '=~' is supported only in a filter's own relations "
                        + "([?(@.name =~ /pattern/)]), not in a filter within a filter");
            }
            return operator < 0 ? jayway(relation) : RegexRelation.of(left, text.substring(operator + 2, pos));
        }

        private boolean accept(String token) {
            pos = RegexFilters.nextSignificant(text, pos);
            if (text.startsWith(token, pos)) {
                pos += token.length();
                return true;
            }
            return false;
        }

        private static Predicate jayway(String relation) {
            try {
                return Filter.parse("[?(" + relation + ")]");
            } catch (InvalidPathException | IllegalArgumentException e) {
                throw new ToolArgumentsException(TOOL + ": '" + relation + "' is not a filter condition: "
                        + e.getMessage());
            }
        }
    }

    /** {@code <path> =~ /pattern/flags}, matched by RE2J. */
    private record RegexRelation(JsonPath left, boolean fromRoot, SafePattern pattern) implements Predicate {

        static RegexRelation of(String left, String right) {
            String literal = right.strip();
            if (!left.startsWith("@") && !left.startsWith("$") || !literal.startsWith("/")
                    || RegexFilters.patternEnd(literal, 0) != literal.length()) {
                throw new ToolArgumentsException(TOOL + ": '" + left + " =~" + right + "' must be a path from @ or "
                        + "$, then =~, then a pattern such as /^br/i");
            }
            int slash = literal.lastIndexOf('/');
            SafePattern pattern = SafePattern.compile(literal.substring(1, slash), literal.substring(slash + 1), TOOL);
            try {
                return new RegexRelation(JsonPath.compile("$" + left.substring(1)), left.startsWith("$"), pattern);
            } catch (InvalidPathException e) {
                throw new ToolArgumentsException(TOOL + ": '" + left + "' is not a path: " + e.getMessage());
            }
        }

        @Override
        public boolean apply(PredicateContext context) {
            Object value;
            try {
                value = left.read(fromRoot ? context.root() : context.item(), context.configuration());
            } catch (PathNotFoundException e) {
                return false;
            }
            if (!(value instanceof JsonNode node)) {
                return value != null && pattern.matches(value.toString());
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    if (matches(element)) {
                        return true;
                    }
                }
                return false;
            }
            return matches(node);
        }

        private boolean matches(JsonNode node) {
            return node.isValueNode() && !node.isNull() && pattern.matches(node.asText());
        }
    }
}
