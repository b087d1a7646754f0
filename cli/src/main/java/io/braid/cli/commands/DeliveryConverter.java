package io.braid.cli.commands;

import io.braid.orchestrator.Delivery;
import picocli.CommandLine;

/** Reads {@code --delivery}: {@code exactly-once} or {@code low-latency}. */
final class DeliveryConverter implements CommandLine.ITypeConverter<Delivery> {

    @Override
    public Delivery convert(String value) {
        try {
            return Delivery.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
