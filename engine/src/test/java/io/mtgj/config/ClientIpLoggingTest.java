package io.mtgj.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(5)
class ClientIpLoggingTest
{
    @Test
    void shouldCutAddressesToTheirNetworkByDefault() throws Exception
    {
        final InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("203.0.113.77"), 51234);
        final InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 443);

        assertEquals("203.0.113.0/24:51234", ClientIpLogging.TRUNCATE.format(v4));
        assertEquals("[2001:db8:1:0:0:0:0:0/48]:443", ClientIpLogging.TRUNCATE.format(v6));
        assertEquals("203.0.113.77:51234", ClientIpLogging.FULL.format(v4));
        assertEquals("[2001:db8:1:2:3:4:5:6]:443", ClientIpLogging.FULL.format(v6));
        assertEquals("-", ClientIpLogging.NONE.format(v4));
        assertEquals("-", ClientIpLogging.TRUNCATE.format(null));
    }

    @Test
    void shouldReadItsCommandLineNames()
    {
        assertEquals(ClientIpLogging.NONE, ClientIpLogging.fromCliName("none"));
        assertEquals("bad --log-client-ip 'half': expected full, truncate or none",
            assertThrows(IllegalArgumentException.class, () -> ClientIpLogging.fromCliName("half")).getMessage());
    }
}
