package io.mtgj.middle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Telegram's middle-proxy list arrives over HTTP (protocol.md 7.1): whatever the text, {@link MiddleProxyList#parse}
 * returns a list naming at least one proxy, each resolved with a port, or refuses the text with an
 * {@link IllegalArgumentException}; {@link MiddleProxyList#candidates} then answers any DC index.
 * <p>
 * Names are resolved by the parser: engine tests resolve through {@code src/test/resources/hosts} only (see the
 * Surefire configuration in engine/pom.xml), so a fuzzed name fails at once instead of querying DNS.
 * <p>
 * Input: the file's text in UTF-8. Seeds (MiddleProxyListFuzzTestInputs/parse): a file in the shape Telegram serves
 * (comments, {@code default}, {@code proxy_for} for ±DCs, IPv4 and IPv6), the official proxy's tuning statements,
 * and bad lines (no port, a DC out of range, a name, a missing {@code ]}).
 */
@Timeout(60)
class MiddleProxyListFuzzTest
{
    private static final short[] DC_INDEXES = {0, 1, -1, 2, 5, -5, 203, Short.MIN_VALUE, Short.MAX_VALUE};

    @FuzzTest
    void parse(final byte[] input)
    {
        final MiddleProxyList list;
        try
        {
            list = MiddleProxyList.parse(new String(input, StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertTrue(list.size() > 0, "a list without proxies");
        for (final short dcIndex : DC_INDEXES)
        {
            for (final InetSocketAddress address : list.candidates(dcIndex))
            {
                assertTrue(!address.isUnresolved() && address.getPort() >= 0 && address.getPort() <= 0xffff,
                    address.toString());
            }
        }
    }
}
