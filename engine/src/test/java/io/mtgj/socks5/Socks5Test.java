package io.mtgj.socks5;

import io.mtgj.secret.Hex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fixed vectors of RFC 1928 (sections 3, 4 and 6) and RFC 1929 (section 2), written out byte by byte from the RFCs'
 * field tables.
 */
@Timeout(5)
class Socks5Test
{
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[Socks5.MAX_REQUEST_LENGTH + 8]);

    private String written(final int length)
    {
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        return Hex.encode(bytes);
    }

    private static UnsafeBuffer in(final String hex)
    {
        return new UnsafeBuffer(Hex.decode(hex));
    }

    @Test
    void shouldWriteGreetings()
    {
        assertEquals("050100", written(Socks5.writeGreeting(out, 0, false)));
        assertEquals("05020002", written(Socks5.writeGreeting(out, 0, true)));
    }

    @Test
    void shouldReadMethodChoices()
    {
        assertEquals(Socks5.NEED_MORE, Socks5.readMethodChoice(in("05"), 0, 1));
        assertEquals(2, Socks5.readMethodChoice(in("0500"), 0, 2));
        assertEquals(Socks5.METHOD_NO_AUTH, Socks5.method(in("0500"), 0));
        assertEquals(Socks5.METHOD_LOGIN, Socks5.method(in("0502"), 0));
        assertEquals(Socks5.METHOD_NONE_ACCEPTABLE, Socks5.method(in("05ff"), 0));
        assertEquals(Socks5.BAD_VERSION, Socks5.readMethodChoice(in("0400"), 0, 2));
        assertEquals(Socks5.BAD_VERSION, Socks5.readMethodChoice(in("48"), 0, 1)); // "HTTP/1.1 ..."
    }

    @Test
    void shouldWriteTheLogin()
    {
        final byte[] user = "user".getBytes(StandardCharsets.US_ASCII);
        final byte[] pass = "p@ss:w".getBytes(StandardCharsets.US_ASCII);
        assertEquals("01" + "04" + "75736572" + "06" + "704073733a77", written(Socks5.writeLogin(out, 0, user, pass)));
        final byte[] longest = new byte[Socks5.MAX_CREDENTIAL_LENGTH];
        assertEquals(Socks5.MAX_REQUEST_LENGTH, Socks5.writeLogin(out, 0, longest, longest));
        assertEquals((byte)0xFF, out.getByte(1));
    }

    @Test
    void shouldReadLoginStatuses()
    {
        assertEquals(Socks5.NEED_MORE, Socks5.readLoginStatus(in("01"), 0, 1));
        assertEquals(2, Socks5.readLoginStatus(in("0100"), 0, 2));
        assertEquals(0, Socks5.status(in("0100"), 0));
        assertEquals(1, Socks5.status(in("0101"), 0));
        assertEquals(2, Socks5.readLoginStatus(in("0500"), 0, 2), "some servers answer with the SOCKS version");
        assertEquals(Socks5.BAD_VERSION, Socks5.readLoginStatus(in("0200"), 0, 2));
    }

    @Test
    void shouldWriteConnectRequestsForIpv4AndIpv6() throws Exception
    {
        assertEquals("05010001" + "959aa733" + "01bb",
            written(Socks5.writeConnect(out, 0, new InetSocketAddress(InetAddress.getByName("149.154.167.51"), 443))));
        assertEquals("05010004" + "20010b28f23df001000000000000000a" + "22b8", written(Socks5.writeConnect(out, 0,
            new InetSocketAddress(InetAddress.getByName("2001:b28:f23d:f001::a"), 8888))));
        assertThrows(IllegalArgumentException.class,
            () -> Socks5.writeConnect(out, 0, InetSocketAddress.createUnresolved("core.telegram.org", 443)));
    }

    @Test
    void shouldReadRepliesOfEveryAddressType()
    {
        final String v4 = "05000001" + "7f000001" + "1f90";
        final String v6 = "05000004" + "00000000000000000000000000000001" + "1f90";
        final String name = "05000003" + "09" + "6c6f63616c686f7374" + "1f90"; // "localhost"
        assertEquals(10, Socks5.readReply(in(v4), 0, 10));
        assertEquals(22, Socks5.readReply(in(v6), 0, 22));
        assertEquals(16, Socks5.readReply(in(name), 0, 16));
        for (int length = 0; length < 10; length++)
        {
            assertEquals(Socks5.NEED_MORE, Socks5.readReply(in(v4), 0, length), "v4 cut at " + length);
        }
        for (int length = 0; length < 16; length++)
        {
            assertEquals(Socks5.NEED_MORE, Socks5.readReply(in(name), 0, length), "name cut at " + length);
        }
        assertEquals(Socks5.BAD_ADDRESS_TYPE, Socks5.readReply(in("05000002" + "00000000"), 0, 8));
        assertEquals(Socks5.BAD_VERSION, Socks5.readReply(in("04000001"), 0, 4));
        assertEquals(10, Socks5.readReply(in(v4 + "ffff"), 0, 12), "the reply's length, whatever follows");
    }

    @Test
    void shouldNameEveryReplyCode()
    {
        final String[] expected =
        {
            "succeeded (code 0)",
            "general SOCKS server failure (code 1)",
            "connection not allowed by ruleset (code 2)",
            "network unreachable (code 3)",
            "host unreachable (code 4)",
            "connection refused (code 5)",
            "TTL expired (code 6)",
            "command not supported (code 7)",
            "address type not supported (code 8)",
            "unassigned reply (code 9)",
        };
        for (int code = 0; code < expected.length; code++)
        {
            assertEquals(expected[code], Socks5.replyText(code));
            final UnsafeBuffer reply = in("05" + Hex.encode(new byte[]{(byte)code}) + "0001" + "00000000" + "0000");
            assertEquals(10, Socks5.readReply(reply, 0, 10));
            assertEquals(code, Socks5.status(reply, 0));
        }
        assertEquals(Socks5Failure.GENERAL_FAILURE, Socks5Failure.ofReply(1));
        assertEquals(Socks5Failure.NOT_ALLOWED, Socks5Failure.ofReply(2));
        assertEquals(Socks5Failure.CONNECTION_REFUSED, Socks5Failure.ofReply(5));
        assertEquals(Socks5Failure.ADDRESS_TYPE_NOT_SUPPORTED, Socks5Failure.ofReply(8));
        assertEquals(Socks5Failure.OTHER_REPLY, Socks5Failure.ofReply(0x42));
    }

    @Test
    void shouldNeverReadOutOfBoundsOnGarbage()
    {
        final Random random = new Random(16);
        final byte[] bytes = new byte[Socks5.MAX_REPLY_LENGTH + 4];
        final UnsafeBuffer garbage = new UnsafeBuffer(bytes);
        for (int i = 0; i < 20_000; i++)
        {
            random.nextBytes(bytes);
            if (random.nextBoolean())
            {
                bytes[0] = Socks5.VERSION;
            }
            final int length = random.nextInt(bytes.length + 1);
            final int reply = Socks5.readReply(garbage, 0, length);
            assertTrue(reply <= length, "a complete reply lies within what was read");
            assertTrue(Socks5.readMethodChoice(garbage, 0, length) <= Math.max(length, 0));
            assertTrue(Socks5.readLoginStatus(garbage, 0, length) <= Math.max(length, 0));
        }
    }
}
