package io.mtgj.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sizes, durations and addresses as users write them (flags, environment, config): any text either parses or is
 * refused with an {@link IllegalArgumentException} naming it. A parsed size or duration is never negative and
 * reads back from its own {@code format}; a parsed address has a host and a port in range, or -1 where the port
 * was optional and absent.
 * <p>
 * Input: the text in UTF-8; for {@link #hostPort}, byte 0 bit 0 says whether the port is optional. Seeds in
 * ConfigParsersFuzzTestInputs/{byteSize,durations,hostPort}: every unit and form the parsers accept, and the
 * refused values of ConfigParsersTest.
 */
@Timeout(60)
class ConfigParsersFuzzTest
{
    @FuzzTest
    void byteSize(final byte[] input)
    {
        final String text = new String(input, StandardCharsets.UTF_8);
        final long bytes;
        try
        {
            bytes = ByteSize.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertTrue(bytes >= 0, text + " -> " + bytes);
        assertEquals(bytes, ByteSize.parse(ByteSize.format(bytes)), text);
    }

    @FuzzTest
    void durations(final byte[] input)
    {
        final String text = new String(input, StandardCharsets.UTF_8);
        final long ms;
        try
        {
            ms = Durations.parseMs(text);
        }
        catch (final IllegalArgumentException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertTrue(ms >= 0, text + " -> " + ms);
        assertEquals(ms, Durations.parseMs(Durations.format(ms)), text);
    }

    @FuzzTest
    void hostPort(final byte[] input)
    {
        final boolean portOptional = input.length > 0 && 0 != (input[0] & 1);
        final String text = new String(input.length > 0 ? Arrays.copyOfRange(input, 1, input.length) : input,
            StandardCharsets.UTF_8);
        final HostPort address;
        try
        {
            address = HostPort.parse(text, portOptional);
        }
        catch (final IllegalArgumentException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertFalse(address.host().isEmpty(), text);
        assertTrue(address.port() >= -1 && address.port() <= 0xffff, text);
        assertTrue(address.hasPort() || portOptional, text);
    }
}
