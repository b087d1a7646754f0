package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.tool.ToolLimitException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The calculator's arithmetic, and its limits against expressions written to exhaust a worker. */
class CalculatorToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CalculatorTool calculator = new CalculatorTool();

    private String calculate(CalculatorTool tool, String expression) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> tool.execute(JSON.createObjectNode().put("expression", expression)));
    }

    private String calculate(String expression) {
        return calculate(calculator, expression);
    }

    @Test
    void whole_powers_are_exact_and_quotients_have_sixteen_digits() {
        assertThat(calculate("2^64")).isEqualTo("18446744073709551616");
        assertThat(calculate("2^999")).isEqualTo(BigInteger.TWO.pow(999).toString());
        assertThat(calculate("9^999")).isEqualTo(BigInteger.valueOf(9).pow(999).toString());
        assertThat(calculate("10^999")).isEqualTo("1" + "0".repeat(999));
        assertThat(calculate("0.5^3 + 2^-2")).isEqualTo("0.375");
        assertThat(calculate("2^3^2")).isEqualTo("512");
        assertThat(calculate("(-2)^3 * 1.50")).isEqualTo("-12");
        assertThat(calculate("1 / 3")).isEqualTo("0.3333333333333333");
        assertThat(calculate("1.0^999")).isEqualTo("1");
        assertThat(calculate("0^0 + 4.0^1.0")).isEqualTo("5");
    }

    @Test
    void a_tower_of_powers_is_refused_before_it_is_computed_naming_the_digit_limit() {
        assertThatThrownBy(() -> calculate("((10^999)^999)^999"))
                .isInstanceOf(ToolLimitException.class)
                .hasMessageContaining("about 998001 digits, over the limit of 1000 (tools.calculator.maxDigits)");
        assertThatThrownBy(() -> calculate("(0.1^999)^999"))
                .isInstanceOf(ToolLimitException.class).hasMessageContaining("tools.calculator.maxDigits");
        assertThatThrownBy(() -> calculate("11^999"))
                .isInstanceOf(ToolLimitException.class).hasMessageContaining("over the limit of 1000");
    }

    @Test
    void an_exponent_past_two_to_the_32_is_refused_exactly_not_wrapped() {
        assertThatThrownBy(() -> calculate("10^4294967297"))
                .isInstanceOf(ToolLimitException.class)
                .hasMessageContaining("the exponent 4294967297 is over the limit of 999")
                .hasMessageContaining("(tools.calculator.maxExponent)");
        assertThatThrownBy(() -> calculate("2^-18446744073709551617"))
                .isInstanceOf(ToolLimitException.class).hasMessageContaining("-18446744073709551617");
        assertThatThrownBy(() -> calculate("2^1000")).hasMessageContaining("over the limit of 999");
        assertThatThrownBy(() -> calculate("2^0.5"))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("whole numbers");
    }

    @Test
    void products_sums_and_quotients_are_held_to_the_digit_limit() {
        String big = "9".repeat(1000);

        assertThat(calculate(big + " - " + big)).isEqualTo("0");
        assertThatThrownBy(() -> calculate(big + " * " + big))
                .isInstanceOf(ToolLimitException.class).hasMessageContaining("2000 digits, over the limit of 1000");
        assertThatThrownBy(() -> calculate(big + " + 1")).hasMessageContaining("1001 digits");
        assertThatThrownBy(() -> calculate("10^999 / 0.001")).hasMessageContaining("tools.calculator.maxDigits");
        assertThatThrownBy(() -> calculate("1" + "0".repeat(5000)))
                .isInstanceOf(ToolLimitException.class).hasMessageContaining("5001 characters");
    }

    @Test
    void the_limits_come_from_the_settings() {
        CalculatorTool strict = new CalculatorTool(new ToolSettings.Calculator(10, 3));

        assertThat(calculate(strict, "10^3 * 1000000")).isEqualTo("1000000000");
        assertThatThrownBy(() -> calculate(strict, "10^3 * 10000000"))
                .hasMessageContaining("11 digits, over the limit of 10 (tools.calculator.maxDigits)");
        assertThatThrownBy(() -> calculate(strict, "2^4"))
                .hasMessageContaining("the exponent 4 is over the limit of 3 (tools.calculator.maxExponent)");
    }

    @Test
    void deep_nesting_is_refused_and_errors_quote_only_the_start_of_a_long_expression() {
        assertThatThrownBy(() -> calculate("(".repeat(100_000) + "1" + ")".repeat(100_000)))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("nested more than 200 deep");
        assertThatThrownBy(() -> calculate("-".repeat(100_000) + "1"))
                .hasMessageContaining("nested more than 200 deep");
        assertThatThrownBy(() -> calculate("1 + ".repeat(100_000) + "x"))
                .hasMessageContaining("unexpected 'x'").hasMessageContaining("(400001 characters)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void a_long_calculation_stops_when_its_branch_is_interrupted() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> calculator.execute(JSON.createObjectNode().put("expression", "1 + 1")))
                    .isInstanceOf(CancellationException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
