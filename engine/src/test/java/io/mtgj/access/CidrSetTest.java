package io.mtgj.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class CidrSetTest
{
    private static boolean in(final CidrSet set, final String address) throws Exception
    {
        return set.contains(InetAddress.getByName(address));
    }

    @Test
    void shouldMatchIpv4AndIpv6Networks() throws Exception
    {
        final CidrSet set = CidrSet.parse(List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "::1"));
        assertTrue(in(set, "10.0.0.0"));
        assertTrue(in(set, "10.255.255.255"));
        assertFalse(in(set, "11.0.0.0"));
        assertFalse(in(set, "9.255.255.255"));
        assertTrue(in(set, "192.168.1.7"));
        assertFalse(in(set, "192.168.1.8"));
        assertTrue(in(set, "2001:db8:ffff::1"));
        assertFalse(in(set, "2001:db9::"));
        assertTrue(in(set, "::1"));
        assertFalse(in(set, "::2"));
        assertTrue(in(set, "::ffff:10.1.2.3"), "IPv4-mapped IPv6 is the IPv4 address");
    }

    @Test
    void shouldMergeOverlappingAndAdjacentNetworks() throws Exception
    {
        final CidrSet set = CidrSet.parse(List.of("10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26", "10.0.1.0/24"));
        assertEquals(1, set.size());
        assertTrue(in(set, "10.0.1.255"));
        assertFalse(in(set, "10.0.2.0"));
        assertTrue(in(CidrSet.parse(List.of("0.0.0.0/0")), "203.0.113.9"));
        assertFalse(in(CidrSet.parse(List.of("0.0.0.0/0")), "2001:db8::1"));
        assertTrue(in(CidrSet.parse(List.of("::/0")), "2001:db8::1"));
        assertTrue(CidrSet.EMPTY.isEmpty());
        assertFalse(in(CidrSet.EMPTY, "1.2.3.4"));
    }

    @Test
    void shouldAgreeWithANaiveCheckOnRandomAddresses() throws Exception
    {
        final Random random = new Random(3);
        final CidrSet set = CidrSet.parse(List.of("100.64.0.0/10", "198.18.0.0/15", "203.0.113.0/24"));
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] raw = new byte[4];
            random.nextBytes(raw);
            final int a = raw[0] & 0xff;
            final int b = raw[1] & 0xff;
            final int c = raw[2] & 0xff;
            final boolean expected = (a == 100 && b >= 64 && b < 128) || (a == 198 && (b == 18 || b == 19)) ||
                (a == 203 && b == 0 && c == 113);
            assertEquals(expected, set.contains(InetAddress.getByAddress(raw)), java.util.Arrays.toString(raw));
        }
    }

    @Test
    void shouldRejectWhatIsNotANetworkNamingIt()
    {
        for (final String bad : new String[] {"10.0.0.0/33", "example.com", "10.0.0.0/x", "", "::/129", "1.2.3/8"})
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> CidrSet.parse(List.of(bad)), bad);
            assertTrue(ex.getMessage().contains(bad), ex.getMessage());
        }
    }
}
