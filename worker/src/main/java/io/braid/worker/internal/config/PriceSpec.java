package io.braid.worker.internal.config;

import io.braid.schema.TokenUsage;

/**
 * What one model's tokens cost ({@code prices.<model>} in the worker config), in any currency unit the fleet agrees
 * on (e.g. US dollars) per million tokens. An absent price is 0.
 *
 * @param inputPerMillion  the price of a million input (prompt) tokens
 * @param outputPerMillion the price of a million output (completion) tokens
 */
public record PriceSpec(Double inputPerMillion, Double outputPerMillion) {

    /** The highest price per million tokens a price may name; more is surely a typo. */
    public static final double MAX_PER_MILLION = 1_000_000;

    /** What {@code usage} costs at this price. */
    public double cost(TokenUsage usage) {
        return (usage.getInputTokens() * orZero(inputPerMillion) + usage.getOutputTokens() * orZero(outputPerMillion))
                / 1_000_000.0;
    }

    /** What is wrong with the price of model {@code model}, or null. */
    public String problem(String model) {
        String at = "prices." + model;
        if (inputPerMillion == null && outputPerMillion == null) {
            return at + " sets no price; give inputPerMillion and/or outputPerMillion";
        }
        String input = range(at + ".inputPerMillion", inputPerMillion);
        return input != null ? input : range(at + ".outputPerMillion", outputPerMillion);
    }

    private static String range(String setting, Double value) {
        if (value != null && (value.isNaN() || value < 0 || value > MAX_PER_MILLION)) {
            return setting + " " + value + " is outside 0.." + (long) MAX_PER_MILLION;
        }
        return null;
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }
}
