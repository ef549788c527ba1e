package io.mtgj.cli;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mtg probe}'s input and output, against loopback servers only: two servers that answer alike stand in for
 * a proxy and its cloak host, a third that answers otherwise for a proxy that gives itself away. The proxy itself
 * is audited end to end in the perf module (ProbeAuditEndToEndTest).
 */
@Timeout(30)
class ProbeCommandTest
{
    private static final byte[] BANNER = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    private final Console console = new Console();
    private final LoopbackServers servers = new LoopbackServers();
    private final Secret tlsSecret = Secret.generate(SecretMode.FAKE_TLS, "localhost", new Random(5));

    @AfterEach
    void stopServers() throws IOException
    {
        servers.close();
    }

    @Test
    void shouldExitZeroWhenTheProxyAnswersAsItsCloakHost() throws Exception
    {
        final InetSocketAddress proxy = servers.tcp(ProbeCommandTest::banner);
        final InetSocketAddress cloak = servers.tcp(ProbeCommandTest::banner);

        assertEquals(Main.STATUS_OK, probe("127.0.0.1:" + proxy.getPort(), "--cloak",
            "127.0.0.1:" + cloak.getPort(), "--timeout", "1s"), console.out() + console.err());

        final List<String> lines = console.outLines();
        assertEquals("probing 127.0.0.1:" + proxy.getPort() + " (proxy) and 127.0.0.1:" + cloak.getPort() +
            " (cloak host) as www.example.com, timeout 1s", lines.get(0));
        assertTrue(lines.get(1).matches("PROBE +TARGET +BYTES +SHA-256 +RECORDS +FIRST BYTE +END"), lines.get(1));
        assertTrue(lines.get(2).matches("http-get +proxy +47 +[0-9a-f]{12} +not TLS +<250ms +FIN <250ms"),
            lines.get(2));
        assertTrue(lines.get(3).matches(" +cloak +47 +[0-9a-f]{12} +not TLS +<250ms +FIN <250ms"), lines.get(3));
        assertEquals(2 + 2 * 6, lines.size() - 1, console.out());
        assertEquals("probe: no difference: the proxy answered all 6 probes as 127.0.0.1:" + cloak.getPort() +
            " did", lines.get(lines.size() - 1));
        assertEquals("", console.err());
    }

    @Test
    void shouldExitOneAndSayWhatDiffers() throws Exception
    {
        final InetSocketAddress proxy = servers.silent();
        final InetSocketAddress cloak = servers.tcp(ProbeCommandTest::banner);

        assertEquals(Main.STATUS_FAILURE, probe("127.0.0.1:" + proxy.getPort(), "--cloak",
            "127.0.0.1:" + cloak.getPort(), "--timeout", "1s"), console.out() + console.err());

        final String out = console.out();
        assertTrue(out.contains("\ndiffers: http-get: bytes 0 vs 47 ("), out);
        assertTrue(out.contains("end open vs FIN <250ms"), out);
        assertTrue(out.contains("\nprobe: 6 of 6 probes differ (http-get, random-bytes, truncated-hello, empty, " +
            "foreign-sni, stalled-hello): a prober can tell this proxy from 127.0.0.1:" + cloak.getPort()), out);
    }

    @Test
    void shouldHoldAProxyWithoutCloakHostToSilence() throws Exception
    {
        final InetSocketAddress proxy = servers.tcp(socket -> { });
        final String simple = Secret.generate(SecretMode.SIMPLE, null, new Random(6)).toHex();

        assertEquals(Main.STATUS_OK, probe("127.0.0.1:" + proxy.getPort(), "--secret", simple, "--timeout", "1s"),
            console.out() + console.err());

        assertTrue(console.out().contains("(proxy) and expecting silence (no cloak host)"), console.out());
        assertTrue(console.out().contains("\nempty "), console.out());
        assertTrue(console.out().endsWith("probe: no difference: the proxy stayed silent to all 6 probes, as a " +
            "simple or secured proxy should\n"), console.out());
    }

    @Test
    void shouldAddTheHellosForATlsSecretAndCountOnlyTheReplay() throws Exception
    {
        final InetSocketAddress proxy = servers.tcp(ProbeCommandTest::banner);
        final InetSocketAddress cloak = servers.tcp(ProbeCommandTest::banner);

        assertEquals(Main.STATUS_OK, probe("127.0.0.1:" + proxy.getPort(), "--secret", tlsSecret.toHex(),
            "--cloak", "127.0.0.1:" + cloak.getPort(), "--timeout", "1s"), console.out() + console.err());

        assertTrue(console.out().contains(" as localhost, timeout 1s\n"), console.out());
        assertTrue(console.out().contains("\nvalid-hello "), console.out());
        assertTrue(console.out().contains("\nreplayed-hello "), console.out());
        assertTrue(console.out().contains("all 7 probes"), console.out());
    }

    @Test
    void shouldRefuseBadInputWithStatusTwo()
    {
        assertUsage("missing HOST:PORT (usage: mtg probe HOST:PORT", "probe");
        assertUsage("unexpected argument 'b:2'", "probe", "a:1", "b:2");
        assertUsage("HOST:PORT: bad address 'localhost': expected host:port", "probe", "localhost");
        assertUsage("--secret: ", "probe", "127.0.0.1:1", "--secret", "nothex");
        assertUsage("--timeout: bad duration 'never'", "probe", "127.0.0.1:1", "--timeout", "never");
        assertUsage("--cloak: bad port 0 in 'example.com:0'", "probe", "127.0.0.1:1", "--cloak", "example.com:0");
        assertUsage("--cloak given more than once", "probe", "127.0.0.1:1", "--cloak", "a", "--cloak", "b");
        assertUsage("Unrecognized option: --secrets", "probe", "127.0.0.1:1", "--secrets", "x");
    }

    @Test
    void shouldPrintItsHelp()
    {
        assertEquals(Main.STATUS_OK, Main.run(new String[] {"probe", "-h"}, Map.of(), console.out, console.err));

        assertTrue(console.out().startsWith("Usage: mtg probe HOST:PORT [--secret SECRET] [--cloak HOST[:PORT]]"));
        for (final String line : console.outLines())
        {
            assertTrue(line.length() <= 120, line);
        }
    }

    private void assertUsage(final String message, final String... args)
    {
        final Console bad = new Console();
        assertEquals(Main.STATUS_USAGE, Main.run(args, Map.of(), bad.out, bad.err), bad.err());
        assertTrue(bad.err().startsWith("mtg: ") && bad.err().contains(message), bad.err());
        assertEquals("", bad.out());
    }

    private int probe(final String... args)
    {
        final String[] all = new String[args.length + 1];
        all[0] = "probe";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(all, Map.of(), console.out, console.err);
    }

    /**
     * Answers the same bytes to everything, at once, and closes its side; then reads until the client closes, so
     * the client sees a FIN, never a reset for unread bytes: alike on every server, so nothing differs.
     */
    private static void banner(final Socket socket) throws IOException
    {
        socket.getOutputStream().write(BANNER);
        socket.shutdownOutput();
        LoopbackServers.drain(socket.getInputStream());
    }
}
