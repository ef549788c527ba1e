package io.mtgj.socks5;

import io.mtgj.config.Socks5Server;
import io.mtgj.net.Tunnel;
import io.mtgj.secret.Hex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class Socks5TunnelTest
{
    private static final String CONNECT_V4 = "05010001" + "959aa733" + "01bb";
    private static final String REPLY_V4 = "05000001" + "7f000001" + "1f90";

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[640]);

    private static InetSocketAddress target() throws Exception
    {
        return new InetSocketAddress(InetAddress.getByName("149.154.167.51"), 443);
    }

    private static Socks5Relay relay(final String url)
    {
        final Socks5Relay relay = new Socks5Relay(Socks5Server.parse(url), System.nanoTime());
        assertTrue(relay.resolve());
        return relay;
    }

    private String written(final int length)
    {
        assertTrue(length > 0, "expected a message, got " + length);
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        return Hex.encode(bytes);
    }

    private int feed(final Tunnel tunnel, final String hex)
    {
        final byte[] bytes = Hex.decode(hex);
        return tunnel.onBytes(new UnsafeBuffer(bytes), bytes.length, out);
    }

    @Test
    void shouldConnectWithoutAuthentication() throws Exception
    {
        final Socks5Relay relay = relay("socks5://127.0.0.1:1080");
        final Socks5Tunnel tunnel = new Socks5Tunnel(relay, target());
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1080), tunnel.relay());
        assertEquals("050100", written(tunnel.start(out)));
        assertEquals(CONNECT_V4, written(feed(tunnel, "0500")));
        assertEquals(Tunnel.READY, feed(tunnel, REPLY_V4));
        assertEquals(1, relay.tunnels());
        assertTrue(relay.isUp());
    }

    @Test
    void shouldLogInWhenTheServerAsksAndSkipADomainBoundAddress() throws Exception
    {
        final Socks5Relay relay = relay("socks5://user:p%40ss@127.0.0.1:1080");
        final Socks5Tunnel tunnel = new Socks5Tunnel(relay, target());
        assertEquals("05020002", written(tunnel.start(out)));
        assertEquals("01" + "04" + "75736572" + "04" + "70407373", written(feed(tunnel, "0502")));
        assertEquals(CONNECT_V4, written(feed(tunnel, "0100")));
        assertEquals(Tunnel.READY, feed(tunnel, "05000003" + "09" + "6c6f63616c686f7374" + "1f90"));
    }

    @Test
    void shouldWaitForAnswersCutAnywhere() throws Exception
    {
        final Socks5Tunnel tunnel = new Socks5Tunnel(relay("socks5://127.0.0.1:1080"), target());
        tunnel.start(out);
        assertEquals(Tunnel.NEED_MORE, feed(tunnel, "05"));
        assertEquals(CONNECT_V4, written(feed(tunnel, "0500")));
        final String reply = "05000004" + "00000000000000000000000000000001" + "1f90";
        for (int cut = 2; cut < reply.length(); cut += 2)
        {
            assertEquals(Tunnel.NEED_MORE, feed(tunnel, reply.substring(0, cut)), "cut at " + cut / 2);
        }
        assertEquals(Tunnel.READY, feed(tunnel, reply));
    }

    @Test
    void shouldCountARefusedLoginAndBackOff() throws Exception
    {
        final Socks5Relay relay = relay("socks5://user:wrong@127.0.0.1:1080");
        final Socks5Tunnel tunnel = new Socks5Tunnel(relay, target());
        tunnel.start(out);
        feed(tunnel, "0502");
        assertEquals(Tunnel.FAILED, feed(tunnel, "0101"));
        assertEquals(1, relay.failures(Socks5Failure.LOGIN_REFUSED));
        assertFalse(relay.isUp());
        assertFalse(relay.isAvailable(System.nanoTime()), "in back-off");
        assertTrue(relay.isAvailable(System.nanoTime() + Socks5Relay.FIRST_BACKOFF_NS + 1));
        tunnel.onBroken(Tunnel.BROKEN_CLOSED, "reset"); // the close that follows is not a second failure
        assertEquals(0, relay.failures(Socks5Failure.CLOSED));
    }

    @Test
    void shouldTellNoAcceptableMethodFromAMethodNotOffered() throws Exception
    {
        final Socks5Relay relay = relay("socks5://127.0.0.1:1080");
        Socks5Tunnel tunnel = new Socks5Tunnel(relay, target());
        tunnel.start(out);
        assertEquals(Tunnel.FAILED, feed(tunnel, "05ff"));
        assertEquals(1, relay.failures(Socks5Failure.NO_ACCEPTABLE_METHOD));
        tunnel = new Socks5Tunnel(relay, target());
        tunnel.start(out);
        assertEquals(Tunnel.FAILED, feed(tunnel, "0502"), "a login was not offered");
        assertEquals(1, relay.failures(Socks5Failure.PROTOCOL));
    }

    @Test
    void shouldFailOnTheFirstTwoBytesOfARefusalAndBackOffOnlyForTheServersFaults() throws Exception
    {
        final Socks5Relay relay = relay("socks5://127.0.0.1:1080");
        Socks5Tunnel tunnel = new Socks5Tunnel(relay, target());
        tunnel.start(out);
        feed(tunnel, "0500");
        assertEquals(Tunnel.FAILED, feed(tunnel, "0505"));
        assertEquals(1, relay.failures(Socks5Failure.CONNECTION_REFUSED));
        assertTrue(relay.isAvailable(System.nanoTime()), "the target refused: no back-off");
        tunnel = new Socks5Tunnel(relay, target());
        tunnel.start(out);
        feed(tunnel, "0500");
        assertEquals(Tunnel.FAILED, feed(tunnel, "0502"));
        assertEquals(1, relay.failures(Socks5Failure.NOT_ALLOWED));
        assertFalse(relay.isAvailable(System.nanoTime()), "the ruleset refused: back-off");
    }

    @Test
    void shouldRefuseWhatIsNotSocks5() throws Exception
    {
        final Socks5Relay relay = relay("socks5://127.0.0.1:1080");
        for (final String answer : List.of("4854", "0500", "05000002"))
        {
            final Socks5Tunnel tunnel = new Socks5Tunnel(relay, target());
            tunnel.start(out);
            if ("4854".equals(answer))
            {
                assertEquals(Tunnel.FAILED, feed(tunnel, answer));
                continue;
            }
            feed(tunnel, "0500");
            assertEquals(Tunnel.FAILED, feed(tunnel, "0500".equals(answer) ? REPLY_V4 + "00" : answer));
        }
        assertEquals(3, relay.failures(Socks5Failure.PROTOCOL));
    }

    @Test
    void shouldTellWhichStepTimedOut() throws Exception
    {
        final Socks5Relay relay = relay("socks5://127.0.0.1:1080");
        Socks5Tunnel tunnel = new Socks5Tunnel(relay, target());
        tunnel.start(out);
        tunnel.onBroken(Tunnel.BROKEN_TIMEOUT, null);
        assertEquals(1, relay.failures(Socks5Failure.TIMEOUT));
        tunnel = new Socks5Tunnel(relay, target());
        tunnel.start(out);
        feed(tunnel, "0500");
        tunnel.onBroken(Tunnel.BROKEN_TIMEOUT, null);
        assertEquals(1, relay.failures(Socks5Failure.TARGET_TIMEOUT));
        tunnel = new Socks5Tunnel(relay, target());
        tunnel.onBroken(Tunnel.BROKEN_CONNECT, "Connection refused");
        assertEquals(1, relay.failures(Socks5Failure.UNREACHABLE));
    }
}
