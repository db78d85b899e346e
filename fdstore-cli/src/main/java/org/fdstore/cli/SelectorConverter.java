package org.fdstore.cli;

import org.fdstore.protocol.Selector;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an {@code ID|NAME} argument: only digits is an id, anything else a name. Stateless and thread safe. */
final class SelectorConverter implements ITypeConverter<Selector> {
    @Override
    public Selector convert(String value) {
        try {
            return Selector.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
