package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.tool.BraidTool;
import io.braid.tool.ToolLimitException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.concurrent.CancellationException;

/**
 * {@code calculator}: evaluates an arithmetic expression with + - * / ^, parentheses and decimals, e.g.
 * {@code {"expression": "(2 + 3) * 4.5"}} → {@code 22.5}. Sums, products and whole powers are exact up to
 * {@code maxDigits} significant digits; a quotient or a negative power has 16.
 *
 * <p>Bounded: no number in the calculation may have more than {@code maxDigits} digits and no exponent may pass
 * {@code maxExponent} ({@link ToolSettings.Calculator}). A power is checked from the logarithms of its operands
 * before it is computed, every other result right after (it cannot be more than twice its operands' size), so
 * {@code ((10^999)^999)^999} is refused at once instead of building a billion-digit number. Nesting is at most
 * {@link #MAX_NESTING} deep; an interrupted calculation (the branch's timeout) stops.
 */
final class CalculatorTool implements BraidTool {

    /** Deepest nesting of parentheses, signs and powers: the parser recurses on each. */
    public static final int MAX_NESTING = 200;
    /** How much of the expression an error quotes. */
    private static final int QUOTED = 120;
    private static final double LOG10_2 = Math.log10(2);

    private final ToolSettings.Calculator limits;

    public CalculatorTool() {
        this(ToolSettings.Calculator.defaults());
    }

    public CalculatorTool(ToolSettings.Calculator limits) {
        this.limits = limits;
    }

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
            throw new ToolArgumentsException("calculator needs {\"expression\": \"...\"}, got "
                    + abbreviate(String.valueOf(arguments)));
        }
        return new Parser(expression.textValue(), limits).parseAll().toPlainString();
    }

    private static String abbreviate(String text) {
        return text.length() <= QUOTED ? text : text.substring(0, QUOTED) + "… (" + text.length() + " characters)";
    }

    /** Digits of {@code value} written out plainly, both sides of the point; {@code value} has no trailing zeros. */
    static long digits(BigDecimal value) {
        long integer = Math.max((long) value.precision() - value.scale(), 1);
        return integer + Math.max(value.scale(), 0);
    }

    /** log10 of {@code value} (positive), to about 15 significant digits, however large or small it is. */
    static double log10(BigDecimal value) {
        BigInteger unscaled = value.unscaledValue();
        int shift = Math.max(0, unscaled.bitLength() - 62);
        return Math.log10(unscaled.shiftRight(shift).doubleValue()) + shift * LOG10_2 - value.scale();
    }

    /**
     * Recursive descent over: expr = term (('+'|'-') term)*; term = power (('*'|'/') power)*;
     * power = unary ('^' power)?.
     */
    private static final class Parser {
        private final String text;
        private final ToolSettings.Calculator limits;
        private int pos;
        private int depth;

        Parser(String text, ToolSettings.Calculator limits) {
            this.text = text;
            this.limits = limits;
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
                    value = checked(value.add(term()));
                } else if (accept('-')) {
                    value = checked(value.subtract(term()));
                } else {
                    return value;
                }
            }
        }

        private BigDecimal term() {
            BigDecimal value = power();
            while (true) {
                if (accept('*')) {
                    value = checked(value.multiply(power()));
                } else if (accept('/')) {
                    BigDecimal divisor = power();
                    if (divisor.signum() == 0) {
                        throw error("division by zero");
                    }
                    value = checked(value.divide(divisor, MathContext.DECIMAL64));
                } else {
                    return value;
                }
            }
        }

        private BigDecimal power() {
            BigDecimal base = unary();
            if (!accept('^')) {
                return base;
            }
            enter();
            BigDecimal exponent = power();
            depth--;
            return raise(base, exponent);
        }

        /** {@code base^exponent}, its size checked from logarithms before anything is computed. */
        private BigDecimal raise(BigDecimal base, BigDecimal exponent) {
            if (exponent.scale() > 0) {
                throw error("exponents must be whole numbers, not " + exponent.toPlainString());
            }
            if (exponent.abs().compareTo(BigDecimal.valueOf(limits.maxExponent())) > 0) {
                throw limit("the exponent " + abbreviate(exponent.toPlainString()) + " is over the limit of "
                        + limits.maxExponent() + " (tools.calculator.maxExponent)");
            }
            int n = exponent.intValueExact();
            if (base.signum() == 0) {
                if (n < 0) {
                    throw error("division by zero (0 to a negative power)");
                }
                return n == 0 ? BigDecimal.ONE : BigDecimal.ZERO;
            }
            double magnitude = Math.abs(n) * log10(base.abs()); // log10 of |base|^|n|
            if (Math.abs(magnitude) > limits.maxDigits()) {
                throw limit("the power would have about " + (long) Math.abs(magnitude) + " digits, over the limit of "
                        + limits.maxDigits() + " (tools.calculator.maxDigits)");
            }
            // as many significant digits as fit beside the zeros after the point of a power below 1
            int zeros = magnitude < 0 ? (int) -magnitude : 0;
            MathContext precision = new MathContext(Math.max(1, limits.maxDigits() - 2 - zeros));
            // pow refuses a precision shorter than the exponent's digits: work with ten more, then round
            BigDecimal raised = base.pow(Math.abs(n), new MathContext(precision.getPrecision() + 10))
                    .round(precision);
            return checked(n >= 0 ? raised : BigDecimal.ONE.divide(raised, MathContext.DECIMAL64));
        }

        private BigDecimal unary() {
            if (accept('-')) {
                enter();
                BigDecimal value = unary().negate();
                depth--;
                return value;
            }
            if (accept('(')) {
                enter();
                BigDecimal value = expression();
                if (!accept(')')) {
                    throw error("missing ')'");
                }
                depth--;
                return value;
            }
            return number();
        }

        private BigDecimal number() {
            skipSpaces();
            int start = pos;
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            if (start == pos) {
                throw error(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "unexpected end");
            }
            if (pos - start > limits.maxDigits() + 1) {
                throw limit("a number of " + (pos - start) + " characters is over the limit of "
                        + limits.maxDigits() + " digits (tools.calculator.maxDigits)");
            }
            try {
                return checked(new BigDecimal(text.substring(start, pos)));
            } catch (NumberFormatException e) {
                throw error("bad number '" + text.substring(start, pos) + "'");
            }
        }

        /** {@code value} without trailing zeros, refused when it has more digits than allowed. */
        private BigDecimal checked(BigDecimal value) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("calculator interrupted");
            }
            BigDecimal stripped = value.stripTrailingZeros();
            long digits = digits(stripped);
            if (digits > limits.maxDigits()) {
                throw limit("a result would have " + digits + " digits, over the limit of " + limits.maxDigits()
                        + " (tools.calculator.maxDigits)");
            }
            return stripped;
        }

        private void enter() {
            if (++depth > MAX_NESTING) {
                throw error("nested more than " + MAX_NESTING + " deep (parentheses, signs and powers)");
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
            return new ToolArgumentsException("calculator cannot evaluate '" + abbreviate(text) + "': " + what
                    + " at position " + pos);
        }

        private ToolLimitException limit(String what) {
            return new ToolLimitException("calculator refused '" + abbreviate(text) + "': " + what);
        }
    }
}
