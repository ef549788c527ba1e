package io.mtgj.cli;

import com.sun.net.httpserver.HttpServer;
import io.mtgj.clock.FakeSntpServer;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mtg doctor} against loopback stand-ins only: listeners for the DCs (one of them a closed port), a fake
 * SNTP server, a TLS 1.3 server with the test certificate for {@code localhost} as the cloak host, {@code -4} for
 * the public address, and an HTTP server for the middle-proxy lists. Nothing leaves 127.0.0.1.
 */
@Timeout(60)
class DoctorCommandTest
{
    private static final int[] DCS = {1, 2, 3, 4, 5, 203};
    private final Random random = new Random(14);
    private final String tlsSecret = Secret.generate(SecretMode.FAKE_TLS, "localhost", random).toHex();
    private final Console console = new Console();
    private final LoopbackServers servers = new LoopbackServers();
    private InetSocketAddress dc;
    private InetSocketAddress cloak;

    @BeforeEach
    void startServers() throws Exception
    {
        dc = servers.silent();
        cloak = servers.tls();
    }

    @AfterEach
    void stopServers() throws IOException
    {
        servers.close();
    }

    @Test
    void shouldFailWhenOneDcIsDownAndShowEveryCheck() throws Exception
    {
        try (FakeSntpServer ntp = FakeSntpServer.shifted(0))
        {
            final List<String> args = args(ntp, 3);
            args.addAll(List.of("-4", "127.0.0.1", tlsSecret));

            assertEquals(Main.STATUS_FAILURE, doctor(args), console.err());

            final String out = console.out();
            assertTrue(line("OK", "clock").contains("against 127.0.0.1:"), out);
            assertTrue(line("OK", "dc 1").contains("connected to 127.0.0.1:" + dc.getPort()), out);
            assertTrue(line("FAIL", "dc 3").contains("unreachable") && line("FAIL", "dc 3").contains(" => "), out);
            for (final int other : new int[] {2, 4, 5, 203})
            {
                line("OK", "dc " + other);
            }
            final String cloakLine = line("WARN", "cloak");
            assertTrue(cloakLine.contains("(SNI localhost) TLSv1.3 TLS_"), cloakLine);
            assertTrue(cloakLine.contains("certificate CN=localhost,O=mtg-jvm doctor test"), cloakLine);
            assertTrue(cloakLine.contains("expires 2099-12-07"), cloakLine);
            assertTrue(cloakLine.contains("does not trust it (unable to find valid certification path"), cloakLine);
            final String shapeLine = line("OK", "cloak shape");
            assertTrue(shapeLine.contains(" cipher=0x13") && shapeLine.contains(" record_bytes="), shapeLine);
            assertTrue(line("OK", "sni address").contains("localhost resolves to 127.0.0.1"), out);
            assertTrue(out.contains("open files") && out.contains("max connections"), out);
            final List<String> lines = console.outLines();
            assertTrue(lines.get(lines.size() - 1).matches("doctor: \\d+ OK, 1 WARN, 1 FAIL: .*"), out);
            assertEquals("", console.err());
        }
    }

    @Test
    void shouldPassWithWarningsWhenEveryDcAnswers() throws Exception
    {
        try (FakeSntpServer ntp = FakeSntpServer.shifted(3_000))
        {
            final List<String> args = args(ntp, 0);
            args.addAll(List.of("--tolerate-time-skewness", "5s", "-4", "127.0.0.1", tlsSecret));

            assertEquals(Main.STATUS_OK, doctor(args), console.out() + console.err());

            assertTrue(line("WARN", "clock").contains("(ahead)") || line("WARN", "clock").contains("(behind)"));
            assertTrue(line("WARN", "clock").contains("more than half the tolerance"), console.out());
            assertTrue(console.out().contains("\ndoctor: 9 OK, 2 WARN, 0 FAIL: the proxy works"), console.out());
        }
    }

    @Test
    void shouldFailAClockBeyondTheTolerance() throws Exception
    {
        try (FakeSntpServer ntp = FakeSntpServer.shifted(-9_000))
        {
            final List<String> args = args(ntp, 0);
            args.addAll(List.of("--tolerate-time-skewness", "5s", "-4", "127.0.0.1", tlsSecret));

            assertEquals(Main.STATUS_FAILURE, doctor(args));

            final String clock = line("FAIL", "clock");
            assertTrue(clock.contains("tolerated 5s") && clock.contains("synchronise the clock"), clock);
        }
    }

    @Test
    void shouldWarnWhenTheHostnameDoesNotPointHere() throws Exception
    {
        try (FakeSntpServer ntp = FakeSntpServer.shifted(0))
        {
            final List<String> args = args(ntp, 0);
            args.addAll(List.of("-4", "127.0.0.2", tlsSecret));

            assertEquals(Main.STATUS_OK, doctor(args), console.out());

            final String sni = line("WARN", "sni address");
            assertTrue(sni.contains("localhost resolves to 127.0.0.1"), sni);
            assertTrue(sni.contains("this server is 127.0.0.2"), sni);
            assertTrue(sni.contains("a passive observer sees an SNI") && sni.contains("accept the risk"), sni);
        }
    }

    @Test
    void shouldFailACloakHostThatDoesNotSpeakTls() throws Exception
    {
        final InetSocketAddress plain = servers.tcp(socket -> { });
        try (FakeSntpServer ntp = FakeSntpServer.shifted(0))
        {
            final List<String> args = args(ntp, 0);
            args.set(args.indexOf("--cloak-port") + 1, Integer.toString(plain.getPort()));
            args.addAll(List.of("-4", "127.0.0.1", tlsSecret));

            assertEquals(Main.STATUS_FAILURE, doctor(args));

            assertTrue(line("FAIL", "cloak").contains("pick a cloak host that serves HTTPS"), console.out());
        }
    }

    @Test
    void shouldSkipTheTlsChecksForASimpleSecret() throws Exception
    {
        try (FakeSntpServer ntp = FakeSntpServer.shifted(0))
        {
            final List<String> args = args(ntp, 0);
            args.add(Secret.generate(SecretMode.SIMPLE, null, random).toHex());

            assertEquals(Main.STATUS_OK, doctor(args), console.out());

            assertFalse(console.out().contains("cloak") || console.out().contains("sni address"), console.out());
            line("OK", "dc 2");
        }
    }

    @Test
    void shouldCheckTheMiddleProxiesInAdTagMode() throws Exception
    {
        final InetSocketAddress down = LoopbackServers.closedPort();
        final HttpServer http = HttpServer.create(new InetSocketAddress(LoopbackServers.loopback(), 0), 8);
        serve(http, "/secret", 200, new byte[128]);
        serve(http, "/config", 200, ("proxy_for 1 127.0.0.1:" + dc.getPort() + ";\nproxy_for 2 127.0.0.1:" +
            dc.getPort() + ";\nproxy_for 2 127.0.0.1:" + down.getPort() + ";\ndefault 2;\n")
            .getBytes(StandardCharsets.US_ASCII));
        serve(http, "/config6", 404, new byte[0]);
        http.start();
        final String base = "http://127.0.0.1:" + http.getAddress().getPort();
        try (FakeSntpServer ntp = FakeSntpServer.shifted(0))
        {
            final List<String> args = new ArrayList<>(List.of("--dial-timeout", "1s",
                "--ntp-server", "127.0.0.1:" + ntp.address().getPort(),
                "--middle-proxy-secret-url", base + "/secret", "--middle-proxy-config-url", base + "/config",
                "--middle-proxy-config-url-v6", base + "/config6",
                "--cloak-host", "127.0.0.1", "--cloak-port", Integer.toString(cloak.getPort()),
                "-4", "127.0.0.1", tlsSecret, "0123456789abcdef0123456789abcdef"));

            assertEquals(Main.STATUS_OK, doctor(args), console.out() + console.err());

            assertTrue(line("OK", "middle-proxy secret").contains("128 bytes from " + base + "/secret"));
            assertTrue(line("OK", "middle-proxy list IPv4").contains("2 DCs"), console.out());
            assertTrue(line("WARN", "middle-proxy list IPv6").contains("HTTP 404"), console.out());
            assertTrue(line("OK", "middle dc 1 IPv4").contains("1 of 1 connected"), console.out());
            assertTrue(line("WARN", "middle dc 2 IPv4").contains("1 of 2 connected"), console.out());
            assertFalse(console.out().contains("dc 3"), "no direct DC is dialed in ad tag mode");
        }
        finally
        {
            http.stop(0);
        }
    }

    @Test
    void shouldRefuseBadInputWithStatusTwo()
    {
        assertEquals(Main.STATUS_USAGE, Main.run(new String[] {"doctor"}, Map.of(), console.out, console.err));
        assertTrue(console.err().contains("missing <secret> (usage: mtg doctor"), console.err());

        final Console secrets = new Console();
        assertEquals(Main.STATUS_USAGE, Main.run(new String[] {"doctor", "--secrets", "users.txt"}, Map.of(),
            secrets.out, secrets.err));
        assertTrue(secrets.err().contains("doctor checks one secret"), secrets.err());

        final Console timeout = new Console();
        assertEquals(Main.STATUS_USAGE, Main.run(new String[] {"doctor", "--dial-timeout", "soon", tlsSecret},
            Map.of(), timeout.out, timeout.err));
        assertTrue(timeout.err().startsWith("mtg: --dial-timeout: bad duration 'soon'"), timeout.err());

        final Console limit = new Console();
        assertEquals(Main.STATUS_USAGE, Main.run(new String[] {"doctor", tlsSecret}, Map.of("MTG_MAX_CONNECTIONS",
            "-5"), limit.out, limit.err));
        assertTrue(limit.err().contains("MTG_MAX_CONNECTIONS: bad connection count '-5'"), limit.err());

        final Console extra = new Console();
        assertEquals(Main.STATUS_USAGE, Main.run(new String[] {"doctor", tlsSecret,
            "0123456789abcdef0123456789abcdef", "more"}, Map.of(), extra.out, extra.err));
        assertTrue(extra.err().contains("unexpected argument 'more'"), extra.err());
        assertEquals("", console.out() + secrets.out() + timeout.out() + limit.out() + extra.out());
    }

    @Test
    void shouldPrintItsHelp()
    {
        assertEquals(Main.STATUS_OK, Main.run(new String[] {"doctor", "--help"}, Map.of(), console.out,
            console.err));
        assertTrue(console.out().startsWith("Usage: mtg doctor [flags] <secret> [adtag]\n"), console.out());
        for (final String check : new String[] {"clock", "dc N", "cloak", "sni address", "open files"})
        {
            assertTrue(console.out().contains("\n  " + check + " "), check);
        }
        for (final String line : console.outLines())
        {
            assertTrue(line.length() <= 120, line);
        }
    }

    private int doctor(final List<String> args)
    {
        final List<String> all = new ArrayList<>();
        all.add("doctor");
        all.addAll(args);
        return Main.run(all.toArray(new String[0]), Map.of(), console.out, console.err);
    }

    /**
     * Every DC at the silent listener, except {@code downDc} (0 for none) at a closed port; the TLS server as the
     * cloak host.
     */
    private List<String> args(final FakeSntpServer ntp, final int downDc) throws IOException
    {
        final List<String> args = new ArrayList<>(List.of("--dial-timeout", "1s",
            "--ntp-server", "127.0.0.1:" + ntp.address().getPort()));
        final InetSocketAddress closed = LoopbackServers.closedPort();
        for (final int number : DCS)
        {
            args.add("--dc-address");
            args.add(number + "=127.0.0.1:" + (number == downDc ? closed.getPort() : dc.getPort()));
        }
        args.addAll(Arrays.asList("--cloak-host", "127.0.0.1", "--cloak-port", Integer.toString(cloak.getPort())));
        return args;
    }

    /**
     * @return the one output line with this verdict and check.
     */
    private String line(final String verdict, final String check)
    {
        final String prefix = String.format("%-4s  %s ", verdict, check);
        final List<String> found = new ArrayList<>();
        for (final String line : console.outLines())
        {
            if (line.startsWith(prefix))
            {
                found.add(line);
            }
        }
        assertEquals(1, found.size(), "one line '" + prefix + "' in:\n" + console.out());
        return found.get(0);
    }

    private static void serve(final HttpServer http, final String path, final int status, final byte[] body)
    {
        http.createContext(path, exchange ->
        {
            exchange.sendResponseHeaders(status, 0 == body.length ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
    }
}
