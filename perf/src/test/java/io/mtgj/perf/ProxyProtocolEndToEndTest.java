package io.mtgj.perf;

import io.mtgj.cli.ConsoleLoggerFinder;
import io.mtgj.config.ClientIpLogging;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.ProxyProtocolSettings;
import io.mtgj.net.CloseReason;
import io.mtgj.net.RejectReason;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code --proxy-protocol} behind a real HAProxy ({@code send-proxy} and {@code send-proxy-v2}, with its health
 * checks), started by the test on loopback: clients connect to HAProxy from other loopback addresses (127.0.0.2 and
 * up) so that the header's address differs from HAProxy's own 127.0.0.1, and the access lists, the per-IP limit and
 * the logs must follow the header. Bad headers are written by hand, straight to the proxy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyProtocolEndToEndTest
{
    private static final int TIMEOUT_MS = 10_000;
    private static final String V2_LOCAL = "0d0a0d0a000d0a515549540a" + "20" + "00" + "0000";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Random random = new Random(16);
    private final Secret secret = Secret.generate(SecretMode.SECURED, null, random);

    @BeforeEach
    void capture()
    {
        assertInstanceOf(ConsoleLoggerFinder.class, System.LoggerFinder.getLoggerFinder());
        ConsoleLoggerFinder.output(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ConsoleLoggerFinder.threshold(System.Logger.Level.DEBUG);
    }

    @AfterEach
    void closeAll() throws Exception
    {
        // the reverse of opening: clients, then HAProxy, then the proxy
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            toClose.get(i).close();
        }
        ConsoleLoggerFinder.output(null);
        ConsoleLoggerFinder.threshold(System.Logger.Level.INFO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"send-proxy", "send-proxy-v2"})
    void shouldRelayAClientBehindHaproxyUnderTheAddressInItsHeader(final String sendProxy) throws Exception
    {
        final ProxyFixture fixture = proxy(b -> b.logClientIp(ClientIpLogging.FULL));
        final InetSocketAddress haproxy = haproxy(fixture, sendProxy);

        try (TestClient client = client(haproxy, "127.0.0.2"))
        {
            assertEchoes(client);
        }
        try
        {
            // the counter moves just before the close is logged: wait for the log lines too
            Await.until("HAProxy's health checks to reach the proxy", TIMEOUT_MS,
                () -> fixture.proxy.closed(CloseReason.HEALTH_CHECK) >= 2 &&
                    lines("reason=health_check").size() >= 2);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + "; the log:\n" + log() + "\nHAProxy's:\n" +
                Files.readString(dir.resolve("haproxy.log")), ex);
        }
        fixture.awaitQuiet();
        Await.until("the client's close to be logged", TIMEOUT_MS,
            () -> 1 == lines("client closed client=127.0.0.2:").size());

        assertEquals(0, fixture.proxy.rejected(RejectReason.PROXY_PROTOCOL), log());
        assertEquals(1, fixture.dc.connections());
        final String version = "send-proxy".equals(sendProxy) ? "v1" : "v2";
        assertEquals(1, lines("client opened client=127.0.0.2:").size(), log());
        assertTrue(lines("client opened client=127.0.0.2:").get(0).contains(" via=127.0.0.1:"), log());
        assertTrue(lines("client opened client=127.0.0.2:").get(0).contains(" proxy_protocol=" + version), log());
        assertEquals(1, lines("client closed client=127.0.0.2:").size(), log());
        assertTrue(lines("reason=health_check").size() >= 2, log());
        assertTrue(lines("proxy protocol refused").isEmpty(), log());
    }

    @Test
    void shouldCheckTheAccessListsAgainstTheHeadersAddress() throws Exception
    {
        final ProxyFixture fixture = proxy(b -> b.accessLists(List.of(), List.of("127.0.0.2/32"), List.of()));
        final InetSocketAddress haproxy = haproxy(fixture, "send-proxy-v2");

        try (TestClient denied = client(haproxy, "127.0.0.2"))
        {
            assertClosedWithoutAnswer(denied);
        }
        awaitOrExplain("the denied client to be counted",
            () -> fixture.proxy.rejected(RejectReason.ACCESS_LIST) == 1);
        // HAProxy's own address is 127.0.0.1, and so is this client's: the list is checked against the header
        try (TestClient allowed = client(haproxy, "127.0.0.1"))
        {
            assertEchoes(allowed);
        }
        fixture.awaitQuiet();
        assertEquals(1, fixture.proxy.rejected(RejectReason.ACCESS_LIST));
        assertEquals(1, fixture.dc.connections());
    }

    @Test
    void shouldLimitConnectionsPerHeaderAddressAndGiveTheCountBack() throws Exception
    {
        final ProxyFixture fixture = proxy(b -> b.maxConnectionsPerIp(1));
        final InetSocketAddress haproxy = haproxy(fixture, "send-proxy");

        try (TestClient first = client(haproxy, "127.0.0.3"))
        {
            assertEchoes(first);
            try (TestClient second = client(haproxy, "127.0.0.3"))
            {
                assertClosedWithoutAnswer(second);
            }
            awaitOrExplain("the second client of 127.0.0.3 to be counted",
                () -> fixture.proxy.rejected(RejectReason.PER_IP_LIMIT) == 1);
            // every connection comes from HAProxy's 127.0.0.1; another client address still gets in
            try (TestClient other = client(haproxy, "127.0.0.4"))
            {
                assertEchoes(other);
            }
        }
        fixture.awaitQuiet();
        // the first client's count went back when it closed
        try (TestClient again = client(haproxy, "127.0.0.3"))
        {
            assertEchoes(again);
        }
        fixture.awaitQuiet();
        assertEquals(1, fixture.proxy.rejected(RejectReason.PER_IP_LIMIT));
    }

    @Test
    void shouldResetMissingMalformedLateAndUntrustedHeadersAndCloseLocalOnesCleanly() throws Exception
    {
        final ProxyFixture fixture = proxy(b -> b.proxyProtocol(
            new ProxyProtocolSettings(true, List.of("127.0.0.1/32"), 500)));
        final InetAddress trusted = InetAddress.getByName("127.0.0.1");

        // no header: a client that reaches the proxy directly
        try (TestClient direct = client(fixture.address(), "127.0.0.1"))
        {
            assertReset(direct.socket());
        }
        assertRejected(fixture, 1);
        // a malformed header
        assertReset(rawConnection(fixture, trusted, "PROXY TCP4 192.0.2.1 bogus 1 2\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertRejected(fixture, 2);
        // a valid header from outside --proxy-protocol-from
        assertReset(rawConnection(fixture, InetAddress.getByName("127.0.0.5"),
            "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertRejected(fixture, 3);
        // half a header, then silence past the header timeout
        assertReset(rawConnection(fixture, trusted, "PROXY TCP4 ".getBytes(StandardCharsets.US_ASCII)));
        assertRejected(fixture, 4);
        assertEquals(0, fixture.dc.connections(), "no byte of a bad connection reaches Telegram");

        // a v2 LOCAL header (a health check): closed with a FIN, not counted as a refusal
        try (Socket local = rawConnection(fixture, trusted, Hex.decode(V2_LOCAL)))
        {
            assertEquals(-1, local.getInputStream().read());
        }
        Await.until("the health check to be counted", TIMEOUT_MS,
            () -> fixture.proxy.closed(CloseReason.HEALTH_CHECK) == 1);

        // a header and the client's frame in one write: the frame reaches the handshake untouched
        final byte[] header = "PROXY TCP4 192.0.2.9 192.0.2.10 40000 443\r\n".getBytes(StandardCharsets.US_ASCII);
        try (TestClient client = TestClient.connect(fixture.address(), trusted, header, secret,
            ProtocolTag.PADDED_INTERMEDIATE, (short)2, random, TIMEOUT_MS))
        {
            toClose.add(client);
            assertEchoes(client);
        }
        fixture.awaitQuiet();
        assertEquals(4, fixture.proxy.rejected(RejectReason.PROXY_PROTOCOL));
        assertEquals(3, fixture.proxy.closed(CloseReason.PROXY_HEADER), "the untrusted one is refused at accept");
        assertEquals(1, fixture.proxy.closed(CloseReason.HEALTH_CHECK));
        for (final String reason : new String[] {"no_header", "bad_address", "untrusted_source", "timeout"})
        {
            assertEquals(1, lines("proxy protocol refused peer=").stream()
                .filter(line -> line.endsWith(" reason=" + reason)).count(), reason + " in\n" + log());
        }
        final int warnings = lines("connections without a valid PROXY protocol header reset refused=1 ").size();
        assertTrue(warnings >= 1 && warnings <= 2, "one warning a minute per reactor, the first at once:\n" + log());
        assertEquals(1, lines("client opened client=192.0.2.0/24:40000").size(), log());
    }

    private ProxyFixture proxy(final UnaryOperator<ProxyConfig.Builder> tweak) throws IOException
    {
        final ProxyFixture fixture = ProxyFixture.start(secret, b -> tweak.apply(b
            .proxyProtocol(new ProxyProtocolSettings(true, List.of("127.0.0.1/32"),
                ProxyProtocolSettings.DEFAULT_HEADER_TIMEOUT_MS))));
        toClose.add(fixture);
        return fixture;
    }

    /**
     * Start HAProxy in front of the proxy: a TCP frontend, a backend with {@code sendProxy} and health checks, and a
     * second frontend that only answers "started" to the probe (so the probe never reaches the proxy).
     *
     * @return the frontend's address.
     */
    private InetSocketAddress haproxy(final ProxyFixture fixture, final String sendProxy) throws Exception
    {
        final InetSocketAddress frontend = new InetSocketAddress("127.0.0.1", ManagedProcess.freePort());
        final InetSocketAddress ready = new InetSocketAddress("127.0.0.1", ManagedProcess.freePort());
        final Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
            "global",
            "    maxconn 256",
            "defaults",
            "    mode tcp",
            "    timeout connect 5s",
            "    timeout client 30s",
            "    timeout server 30s",
            // a refusal resets the server side before HAProxy forwarded anything, which it would otherwise take
            // for a failed connect and retry, refused again: each test counts its refusals exactly
            "    retries 0",
            "frontend proxied",
            "    bind " + hostPort(frontend),
            "    default_backend mtg",
            "frontend ready",
            "    bind " + hostPort(ready),
            "    tcp-request connection reject",
            "backend mtg",
            // checks exercise the proxy's health-check path; on a loaded machine a slow one must not take the only
            // server out, which would close clients before they reach the proxy
            "    server mtg " + hostPort(fixture.address()) + " " + sendProxy + " check inter 200ms fall 1000",
            ""));
        final ManagedProcess process = ManagedProcess.start("haproxy",
            List.of(haproxyBinary(), "-db", "-f", config.toString()), ready, dir.resolve("haproxy.log"));
        toClose.add(process);
        return frontend;
    }

    private static String haproxyBinary()
    {
        for (final String candidate : new String[] {"/usr/sbin/haproxy", "/usr/local/sbin/haproxy",
            "/usr/bin/haproxy", "/usr/local/bin/haproxy"})
        {
            if (Files.isExecutable(Path.of(candidate)))
            {
                return candidate;
            }
        }
        return fail("HAProxy is not installed: this end-to-end test runs a real one ('make deps' installs it, " +
            "as on CI; on Debian or Ubuntu: apt-get install haproxy)");
    }

    private static String hostPort(final InetSocketAddress address)
    {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private TestClient client(final InetSocketAddress target, final String from) throws IOException
    {
        final TestClient client = TestClient.connect(target, InetAddress.getByName(from), new byte[0], secret,
            ProtocolTag.PADDED_INTERMEDIATE, (short)2, random, TIMEOUT_MS);
        toClose.add(client);
        return client;
    }

    private Socket rawConnection(final ProxyFixture fixture, final InetAddress from, final byte[] first)
        throws IOException
    {
        final Socket socket = new Socket();
        toClose.add(socket);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(fixture.address(), TIMEOUT_MS);
        try
        {
            socket.getOutputStream().write(first);
        }
        catch (final SocketException reset)
        {
            // a source outside --proxy-protocol-from is reset as it is accepted, which can be before this write;
            // the read in assertReset meets the reset again
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.toString());
        }
        return socket;
    }

    private void assertEchoes(final TestClient client) throws IOException
    {
        for (int i = 0; i < 3; i++)
        {
            final byte[] payload = new byte[64 + 4 * i];
            random.nextBytes(payload);
            client.send(payload);
            assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length));
        }
    }

    /**
     * Through HAProxy a refusal reaches the client as a close or a reset, never as an answer.
     */
    private void assertClosedWithoutAnswer(final TestClient client) throws IOException
    {
        final byte[] payload = new byte[64];
        random.nextBytes(payload);
        try
        {
            client.send(payload);
            assertEquals(-1, client.socket().getInputStream().read());
        }
        catch (final SocketException expected)
        {
            // reset: just as good
        }
    }

    private static void assertReset(final Socket socket) throws IOException
    {
        final InputStream in = socket.getInputStream();
        try
        {
            final int read = in.read();
            fail("expected a reset, read " + read);
        }
        catch (final SocketException expected)
        {
            assertTrue(String.valueOf(expected.getMessage()).contains("reset"), expected.toString());
        }
    }

    private static void assertRejected(final ProxyFixture fixture, final long count)
    {
        Await.until(count + " proxy protocol refusals", TIMEOUT_MS,
            () -> fixture.proxy.rejected(RejectReason.PROXY_PROTOCOL) == count);
    }

    /**
     * Wait for a condition; when it does not come, say what the proxy and HAProxy logged.
     */
    private void awaitOrExplain(final String what, final java.util.function.BooleanSupplier condition)
        throws IOException
    {
        try
        {
            Await.until(what, TIMEOUT_MS, condition);
        }
        catch (final AssertionError ex)
        {
            final Path haproxyLog = dir.resolve("haproxy.log");
            throw new AssertionError(ex.getMessage() + "; the log:\n" + log() + "\nHAProxy's:\n" +
                (Files.exists(haproxyLog) ? Files.readString(haproxyLog) : "none"), ex);
        }
    }

    private String log()
    {
        return captured.toString(StandardCharsets.UTF_8);
    }

    private List<String> lines(final String fragment)
    {
        final List<String> found = new ArrayList<>();
        for (final String line : log().split("\n"))
        {
            if (line.contains(fragment))
            {
                found.add(line);
            }
        }
        return found;
    }
}
