package io.mtgj.publicip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class IpLiteralTest
{
    @Test
    void shouldParseIpv4Literals()
    {
        assertArrayEquals(new byte[] {1, 2, 3, 4}, IpLiteral.parse("1.2.3.4", false).getAddress());
        assertArrayEquals(new byte[] {(byte)255, 0, 0, 10}, IpLiteral.parse("255.0.0.10", false).getAddress());
        assertInstanceOf(Inet4Address.class, IpLiteral.parse("127.0.0.1", false));
    }

    @Test
    void shouldParseIpv6Literals()
    {
        final InetAddress address = IpLiteral.parse("2001:db8::1", true);
        assertInstanceOf(Inet6Address.class, address);
        assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte)0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
            address.getAddress());
        assertInstanceOf(Inet6Address.class, IpLiteral.parse("::1", true));
        assertInstanceOf(Inet6Address.class, IpLiteral.parse("::", true));
        assertInstanceOf(Inet6Address.class, IpLiteral.parse("0:0:0:0:0:0:0:1", true));
        assertInstanceOf(Inet6Address.class, IpLiteral.parse("64:ff9b::1.2.3.4", true));
        assertInstanceOf(Inet6Address.class, IpLiteral.parse("2001:DB8::A", true));
    }

    @Test
    void shouldRejectEverythingElseWithoutLookingItUp()
    {
        final String[] notIpv4 = {"", " 1.2.3.4", "1.2.3.4 ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..3.4",
            "1.2.3.", ".1.2.3", "0x1.2.3.4", "1.2.3.-4", "localhost", "example.com", "::1", "1234.1.1.1"};
        for (final String text : notIpv4)
        {
            assertNull(IpLiteral.parse(text, false), text);
        }
        final String[] notIpv6 = {"", "1.2.3.4", "localhost", "example.com", "[::1]", "fe80::1%eth0", "::g",
            "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3.4", ".::1", "abc", "2001:db8::1 ", ":::", "1::2::3"};
        for (final String text : notIpv6)
        {
            assertNull(IpLiteral.parse(text, true), text);
        }
        assertNull(IpLiteral.parse(null, true));
    }

    @Test
    void shouldTellFamilies()
    {
        assertTrue(IpLiteral.isFamily(IpLiteral.parse("1.2.3.4", false), false));
        assertFalse(IpLiteral.isFamily(IpLiteral.parse("1.2.3.4", false), true));
        assertTrue(IpLiteral.isFamily(IpLiteral.parse("::1", true), true));
        assertFalse(IpLiteral.isFamily(IpLiteral.parse("::1", true), false));
    }
}
