package io.braid.worker.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@code calculator}: evaluates an arithmetic expression with + - * / ^, parentheses and decimals, e.g.
 * {@code {"expression": "(2 + 3) * 4.5"}} → {@code 22.5}.
 */
public final class CalculatorTool implements BraidTool {

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("calculator")
                .description("Evaluates an arithmetic expression with + - * / ^ and parentheses")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("expression", "e.g. (2 + 3) * 4.5")
                        .required("expression")
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) {
        JsonNode expression = arguments.get("expression");
        if (expression == null || !expression.isTextual()) {
            throw new ToolArgumentsException("calculator needs {\"expression\": \"...\"}, got " + arguments);
        }
        BigDecimal value = new Parser(expression.textValue()).parseAll();
        return value.stripTrailingZeros().toPlainString();
    }

    /** Recursive descent over: expr = term (('+'|'-') term)*; term = power (('*'|'/') power)*; power = unary ('^' power)?. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        BigDecimal parseAll() {
            BigDecimal value = expression();
            skipSpaces();
            if (pos < text.length()) {
                throw error("unexpected '" + text.charAt(pos) + "'");
            }
            return value;
        }

        private BigDecimal expression() {
            BigDecimal value = term();
            while (true) {
                if (accept('+')) {
                    value = value.add(term());
                } else if (accept('-')) {
                    value = value.subtract(term());
                } else {
                    return value;
                }
            }
        }

        private BigDecimal term() {
            BigDecimal value = power();
            while (true) {
                if (accept('*')) {
                    value = value.multiply(power());
                } else if (accept('/')) {
                    BigDecimal divisor = power();
                    if (divisor.signum() == 0) {
                        throw error("division by zero");
                    }
                    value = value.divide(divisor, MathContext.DECIMAL64);
                } else {
                    return value;
                }
            }
        }

        private BigDecimal power() {
            BigDecimal base = unary();
            if (accept('^')) {
                BigDecimal exponent = power();
                if (exponent.stripTrailingZeros().scale() > 0 || exponent.abs().intValue() > 999) {
                    throw error("exponents must be whole numbers up to 999");
                }
                int n = exponent.intValue();
                return n >= 0 ? base.pow(n, MathContext.DECIMAL64)
                        : BigDecimal.ONE.divide(base.pow(-n, MathContext.DECIMAL64), MathContext.DECIMAL64);
            }
            return base;
        }

        private BigDecimal unary() {
            if (accept('-')) {
                return unary().negate();
            }
            if (accept('(')) {
                BigDecimal value = expression();
                if (!accept(')')) {
                    throw error("missing ')'");
                }
                return value;
            }
            skipSpaces();
            int start = pos;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            if (start == pos) {
                throw error(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "unexpected end");
            }
            try {
                return new BigDecimal(text.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("bad number '" + text.substring(start, pos) + "'");
            }
        }

        private boolean accept(char c) {
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private ToolArgumentsException error(String what) {
            return new ToolArgumentsException("calculator cannot evaluate '" + text + "': " + what
                    + " at position " + pos);
        }
    }
}
