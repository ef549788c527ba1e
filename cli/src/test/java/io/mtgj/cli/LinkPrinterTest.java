package io.mtgj.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(5)
class LinkPrinterTest
{
    private static final String SECRET = "dd0123456789abcdef0123456789abcdef";

    @Test
    void shouldPrintBothLinksPerServer() throws UnknownHostException
    {
        final List<String> links = LinkPrinter.links(List.of(
            new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 3128),
            new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443)), SECRET);

        assertEquals(List.of(
            "tg://proxy?server=1.2.3.4&port=3128&secret=" + SECRET,
            "https://t.me/proxy?server=1.2.3.4&port=3128&secret=" + SECRET,
            "tg://proxy?server=2001%3Adb8%3A%3A1&port=443&secret=" + SECRET,
            "https://t.me/proxy?server=2001%3Adb8%3A%3A1&port=443&secret=" + SECRET), links);
    }

    @Test
    void shouldWriteIpv6AsRfc5952() throws UnknownHostException
    {
        final String[][] cases =
        {
            { "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
            { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
            { "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
            { "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
            { "2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:0", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:0" },
            { "0:0:0:0:0:0:0:0", "::" },
            { "0:0:0:0:0:0:0:1", "::1" },
            { "1:0:0:0:0:0:0:0", "1::" },
            { "fe80:0:0:0:0:0:0:1%1", "fe80::1" },
        };
        for (final String[] c : cases)
        {
            assertEquals(c[1], LinkPrinter.ipv6Text((Inet6Address)InetAddress.getByName(c[0])), c[0]);
        }
    }

    @Test
    void shouldEscapeColonsOnly() throws UnknownHostException
    {
        assertEquals("2001%3Adb8%3A%3A1", LinkPrinter.serverParameter(InetAddress.getByName("2001:db8::1")));
        assertEquals("192.0.2.1", LinkPrinter.serverParameter(InetAddress.getByName("192.0.2.1")));
        assertEquals("server=192.0.2.1&port=1&secret=00",
            LinkPrinter.query(InetAddress.getByName("192.0.2.1"), 1, "00"));
    }
}
