package io.mtgj.cli;

import com.sun.net.httpserver.HttpServer;
import io.mtgj.config.Capacity;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.HostPort;
import io.mtgj.config.PreferIp;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.StatsConfig;
import io.mtgj.config.StatsdTagsFormat;
import io.mtgj.publicip.PublicIpDetector;
import io.mtgj.secret.Hex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mtg run} with good input: flags and variables, starting, links, detection, stopping. Every start binds
 * 127.0.0.1 (or the wildcard once) on port 0 and either gives -4/-6 or a loopback detection URL.
 */
@Timeout(60)
class RunCommandTest
{
    private static final String SECRET = "dd0123456789abcdef0123456789abcdef";
    private static final String AD_TAG = "00112233445566778899aabbccddeeff";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Console console = new Console();

    @AfterEach
    void closeAll() throws Exception
    {
        for (final AutoCloseable closeable : toClose)
        {
            closeable.close();
        }
        ConsoleLoggerFinder.threshold(System.Logger.Level.INFO);
    }

    @Test
    void shouldUseDefaultsWhenNothingIsSet() throws Exception
    {
        final RunCommand.Plan plan = RunCommand.plan(new String[] {SECRET}, Map.of());

        final ProxyConfig config = plan.config();
        assertEquals(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 3128), config.bind());
        assertEquals(32 * 1024, config.capacity().readBufferBytes());
        assertEquals(32 * 1024, config.capacity().writeBufferBytes());
        assertEquals(PreferIp.IPV6, config.preferIp());
        assertTrue(config.dcAddresses().isEmpty());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.workers());
        assertEquals(10_000, config.handshakeTimeoutMs());
        assertEquals(10_000, config.dialTimeoutMs());
        assertEquals(300_000, config.idleTimeoutMs());
        assertEquals(5_000, config.shutdownTimeoutMs());
        assertEquals(new Capacity(32 * 1024, 32 * 1024, 0, 0, Capacity.DEFAULT_STALL_TIMEOUT_MS,
            Capacity.maxDirectMemoryBytes(), Capacity.readOpenFileLimit(), config.workers(), false, false, 50,
            Runtime.getRuntime().maxMemory(), config.antiReplayMaxBytes()).maxConnections(),
            config.capacity().maxConnections(), "derived from the open-file limit (and the heap)");
        assertEquals(Capacity.DEFAULT_STALL_TIMEOUT_MS, config.capacity().stallTimeoutMs());
        assertEquals(Capacity.maxDirectMemoryBytes() / 8 * 7, config.capacity().bufferMemoryBytes(), 8);
        assertNull(config.adTag());
        assertNull(plan.publicIpv4());
        assertNull(plan.publicIpv6());
        assertEquals(PublicIpDetector.DEFAULT_URL, plan.publicIpUrl());
        assertEquals(System.Logger.Level.INFO, plan.logLevel());
        assertEquals(SECRET, config.secret().toHex());
    }

    @Test
    void shouldReadTheProxyProtocolFlagsAndVariables() throws Exception
    {
        assertFalse(RunCommand.plan(new String[] {SECRET}, Map.of()).config().proxyProtocol().enabled());

        final ProxyConfig flags = RunCommand.plan(new String[] {"--proxy-protocol", "--proxy-protocol-from",
            "10.0.0.0/8", "--proxy-protocol-from", "2001:db8::/32", SECRET}, Map.of()).config();
        assertTrue(flags.proxyProtocol().enabled());
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32"), flags.proxyProtocol().from());
        assertTrue(flags.proxyProtocol().trusted().contains(InetAddress.getByName("10.1.2.3")));
        assertFalse(flags.proxyProtocol().trusted().contains(InetAddress.getByName("192.0.2.1")));

        final ProxyConfig env = RunCommand.plan(new String[] {SECRET},
            Map.of("MTG_PROXY_PROTOCOL", "true", "MTG_PROXY_PROTOCOL_FROM", "192.0.2.0/24, 198.51.100.7")).config();
        assertTrue(env.proxyProtocol().enabled());
        assertEquals(List.of("192.0.2.0/24", "198.51.100.7"), env.proxyProtocol().from());

        final ProxyConfig anyPeer = RunCommand.plan(new String[] {"--proxy-protocol", SECRET}, Map.of()).config();
        assertTrue(anyPeer.proxyProtocol().enabled());
        assertTrue(anyPeer.proxyProtocol().from().isEmpty());
    }

    @Test
    void shouldApplyTheEnvironment() throws Exception
    {
        final RunCommand.Plan plan = RunCommand.plan(new String[] {SECRET, AD_TAG}, environment());

        final ProxyConfig config = plan.config();
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4000), config.bind());
        assertEquals(64 * 1024, config.capacity().writeBufferBytes());
        assertEquals(16 * 1024, config.capacity().readBufferBytes());
        assertEquals(PreferIp.ONLY_IPV4, config.preferIp());
        assertEquals(Map.of(
            2, List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 443)),
            4, List.of(new InetSocketAddress(InetAddress.getByName("::1"), 8443),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 444))), config.dcAddresses());
        assertEquals(3, config.workers());
        assertEquals(3_000, config.handshakeTimeoutMs());
        assertEquals(4_000, config.dialTimeoutMs());
        assertEquals(60_000, config.idleTimeoutMs());
        assertEquals(1_000, config.capacity().maxConnections());
        assertEquals(30_000, config.shutdownTimeoutMs());
        assertEquals(InetAddress.getByName("192.0.2.4"), plan.publicIpv4().address());
        assertEquals(443, plan.publicIpv4().port());
        assertEquals(InetAddress.getByName("2001:db8::6"), plan.publicIpv6().address());
        assertFalse(plan.publicIpv6().hasPort());
        assertEquals(URI.create("http://127.0.0.1:9/ip"), plan.publicIpUrl());
        assertEquals(System.Logger.Level.DEBUG, plan.logLevel());
        assertArrayEquals(Hex.decode(AD_TAG), config.adTag());
    }

    @Test
    void shouldLetFlagsWinOverTheEnvironment() throws Exception
    {
        final String[] args =
        {
            "-b", "127.0.0.1:5000", "-w", "128KB", "--read-buffer=8KB", "--prefer-ip", "ipv4",
            "--dc-address", "1=127.0.0.1:1", "--dc-address", "1=[::1]:2", "--workers", "2",
            "--handshake-timeout", "1s", "--dial-timeout", "2s", "--idle-timeout", "3m",
            "--max-connections", "70", "--shutdown-timeout", "0s",
            "-4", "198.51.100.1", "-6", "[2001:db8::7]:8443", "--public-ip-url", "http://127.0.0.1:10/",
            "-d", SECRET,
        };

        final RunCommand.Plan plan = RunCommand.plan(args, environment());

        final ProxyConfig config = plan.config();
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000), config.bind());
        assertEquals(128 * 1024, config.capacity().writeBufferBytes());
        assertEquals(8 * 1024, config.capacity().readBufferBytes());
        assertEquals(PreferIp.IPV4, config.preferIp());
        assertEquals(Map.of(1, List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1),
            new InetSocketAddress(InetAddress.getByName("::1"), 2))), config.dcAddresses());
        assertEquals(2, config.workers());
        assertEquals(1_000, config.handshakeTimeoutMs());
        assertEquals(2_000, config.dialTimeoutMs());
        assertEquals(180_000, config.idleTimeoutMs());
        assertEquals(70, config.capacity().maxConnections());
        assertEquals(0, config.shutdownTimeoutMs());
        assertEquals(InetAddress.getByName("198.51.100.1"), plan.publicIpv4().address());
        assertFalse(plan.publicIpv4().hasPort());
        assertEquals(InetAddress.getByName("2001:db8::7"), plan.publicIpv6().address());
        assertEquals(8443, plan.publicIpv6().port());
        assertEquals(URI.create("http://127.0.0.1:10/"), plan.publicIpUrl());
        assertEquals(System.Logger.Level.TRACE, plan.logLevel());
        assertNull(config.adTag(), "the ad tag never comes from the environment");
    }

    @Test
    void shouldTakeSocks5ServersFromFlagsOrTheEnvironment() throws Exception
    {
        final RunCommand.Plan flags = RunCommand.plan(new String[]{"--socks5", "socks5://127.0.0.1:1080",
            "--socks5", "socks5://user:p%40ss@[::1]:1081", SECRET}, Map.of("MTG_SOCKS5", "socks5://10.0.0.1:1"));
        assertEquals("[127.0.0.1:1080, [::1]:1081]", flags.config().socks5().servers().toString());
        assertEquals("p@ss", new String(flags.config().socks5().servers().get(1).password(),
            java.nio.charset.StandardCharsets.UTF_8));
        final RunCommand.Plan env = RunCommand.plan(new String[]{SECRET},
            Map.of("MTG_SOCKS5", "socks5://10.0.0.1:1, socks5://10.0.0.2:2"));
        assertEquals(2, env.config().socks5().servers().size());
        final CommandLineError error = assertThrows(CommandLineError.class, () -> RunCommand.plan(
            new String[]{"--socks5", "socks5://user:hunter2%@127.0.0.1:1", SECRET}, Map.of()));
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
    }

    @Test
    void shouldReadBooleanVariables() throws Exception
    {
        for (final String on : new String[] {"true", "TRUE", "1", "yes", "Yes"})
        {
            assertEquals(System.Logger.Level.TRACE,
                RunCommand.plan(new String[] {SECRET}, Map.of("MTG_DEBUG", on)).logLevel(), on);
            assertEquals(System.Logger.Level.DEBUG,
                RunCommand.plan(new String[] {SECRET}, Map.of("MTG_VERBOSE", on)).logLevel(), on);
        }
        for (final String off : new String[] {"false", "0", "no", "NO", ""})
        {
            assertEquals(System.Logger.Level.INFO,
                RunCommand.plan(new String[] {SECRET}, Map.of("MTG_DEBUG", off, "MTG_VERBOSE", off)).logLevel(), off);
        }
        assertEquals(System.Logger.Level.DEBUG,
            RunCommand.plan(new String[] {"-v", SECRET}, Map.of("MTG_VERBOSE", "no")).logLevel());
    }

    @Test
    void shouldNeverTakeTheSecretFromTheEnvironment()
    {
        final CommandLineError error = assertThrows(CommandLineError.class,
            () -> RunCommand.plan(new String[0], Map.of("MTG_SECRET", SECRET)));

        assertEquals(2, error.status());
        assertTrue(error.getMessage().startsWith("missing <secret>"), error.getMessage());
    }

    @Test
    void shouldStartPrintLinksAndStop() throws Exception
    {
        final RunCommand.Running running = start(
            "-b", "127.0.0.1:0", "-4", "1.2.3.4", "-6", "2001:db8::1", "--workers", "1", SECRET);

        final int port = running.proxy().localAddress().getPort();
        assertTrue(port > 0);
        final List<String> expected = List.of(
            "tg://proxy?server=1.2.3.4&port=" + port + "&secret=" + SECRET,
            "https://t.me/proxy?server=1.2.3.4&port=" + port + "&secret=" + SECRET,
            "tg://proxy?server=2001%3Adb8%3A%3A1&port=" + port + "&secret=" + SECRET,
            "https://t.me/proxy?server=2001%3Adb8%3A%3A1&port=" + port + "&secret=" + SECRET);
        assertEquals(expected, console.outLines());
        assertEquals(expected, running.links());
        assertTrue(running.proxy().isHealthy());
        try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), port))
        {
            assertTrue(client.isConnected(), "the proxy accepts");
        }

        running.close();
        running.close(); // idempotent

        assertFalse(running.proxy().isHealthy());
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1")))
        {
            assertEquals(port, again.getLocalPort(), "the port is free again");
        }
    }

    @Test
    void shouldUseThePortsGivenWithThePublicAddresses() throws Exception
    {
        final String config = middleProxyConfigServer();
        final RunCommand.Running running = start(
            "-b", "127.0.0.1:0", "-4", "1.2.3.4:443", "-6", "[2001:db8::1]:8443", "--workers", "1",
            "--middle-proxy-secret-url", config + "/secret", "--middle-proxy-config-url", config + "/v4",
            "--middle-proxy-config-url-v6", config + "/v6", "--multiplex-per-connection", "7", SECRET, AD_TAG);

        assertEquals(List.of(
            "tg://proxy?server=1.2.3.4&port=443&secret=" + SECRET,
            "https://t.me/proxy?server=1.2.3.4&port=443&secret=" + SECRET,
            "tg://proxy?server=2001%3Adb8%3A%3A1&port=8443&secret=" + SECRET,
            "https://t.me/proxy?server=2001%3Adb8%3A%3A1&port=8443&secret=" + SECRET), console.outLines());
        assertArrayEquals(Hex.decode(AD_TAG), running.proxy().config().adTag());
        assertEquals(7, running.proxy().config().middleProxy().multiplexPerConnection());
        assertArrayEquals(InetAddress.getByName("1.2.3.4").getAddress(),
            running.proxy().config().publicIpv4().getAddress(), "the middle proxy's keys need the public IPv4");
    }

    /**
     * A loopback stand-in for Telegram's config URLs, so ad tag runs never leave the machine.
     *
     * @return its base URL.
     */
    private String middleProxyConfigServer() throws IOException
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        final byte[] secret = new byte[128];
        java.util.Arrays.fill(secret, (byte)7);
        final byte[] list = "default 2;\nproxy_for 2 127.0.0.1:1;\n".getBytes(StandardCharsets.US_ASCII);
        for (final String path : new String[] {"/secret", "/v4", "/v6"})
        {
            final byte[] body = "/secret".equals(path) ? secret : list;
            server.createContext(path, exchange ->
            {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(body);
                }
            });
        }
        server.start();
        toClose.add(() -> server.stop(0));
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void shouldBlockInMainUntilStopped() throws Exception
    {
        final CompletableFuture<RunCommand.Running> started = new CompletableFuture<>();
        final CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> Main.run(
            new String[] {"run", "-b", "127.0.0.1:0", "-4", "1.2.3.4", "-6", "2001:db8::1", "--workers", "1", SECRET},
            Map.of(), console.out, console.err, started::complete));

        final RunCommand.Running running = started.get(10, TimeUnit.SECONDS);
        assertEquals(4, console.outLines().size(), console.out());
        Thread.sleep(100);
        assertFalse(status.isDone(), "run blocks while the proxy runs");

        running.close();

        assertEquals(0, status.get(10, TimeUnit.SECONDS));
        assertFalse(running.proxy().isHealthy());
    }

    @Test
    void shouldDetectThePublicAddressThroughTheGivenUrl() throws Exception
    {
        final AtomicInteger asked = new AtomicInteger();
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/ip", exchange ->
        {
            asked.incrementAndGet();
            final byte[] body = (exchange.getRemoteAddress().getAddress().getHostAddress() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.start();
        toClose.add(() -> server.stop(0));
        final String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ip";

        final RunCommand.Running running = start("-b", "127.0.0.1:0", "--public-ip-url", url, "--workers", "1", SECRET);

        final int port = running.proxy().localAddress().getPort();
        assertEquals(List.of(
            "tg://proxy?server=127.0.0.1&port=" + port + "&secret=" + SECRET,
            "https://t.me/proxy?server=127.0.0.1&port=" + port + "&secret=" + SECRET), console.outLines());
        assertEquals(1, asked.get(), "asked once, over IPv4: the URL's host has no IPv6 address");
    }

    @Test
    void shouldDetectOnlyTheFamilyNotGiven() throws Exception
    {
        final RunCommand.Running running = start(
            "-b", "127.0.0.1:0", "-4", "1.2.3.4", "--public-ip-url", closedUrl(), "--workers", "1", SECRET);

        final int port = running.proxy().localAddress().getPort();
        assertEquals(List.of(
            "tg://proxy?server=1.2.3.4&port=" + port + "&secret=" + SECRET,
            "https://t.me/proxy?server=1.2.3.4&port=" + port + "&secret=" + SECRET), console.outLines());
    }

    @Test
    void shouldFallBackToTheBindAddressWhenDetectionFails() throws Exception
    {
        final RunCommand.Running running = start(
            "-b", "127.0.0.1:0", "--public-ip-url", closedUrl(), "--workers", "1", SECRET);

        final int port = running.proxy().localAddress().getPort();
        assertEquals(List.of(
            "tg://proxy?server=127.0.0.1&port=" + port + "&secret=" + SECRET,
            "https://t.me/proxy?server=127.0.0.1&port=" + port + "&secret=" + SECRET), console.outLines());
    }

    @Test
    void shouldUseLoopbackInLinksWhenBoundToTheWildcard() throws Exception
    {
        final RunCommand.Running running = start(
            "-b", "0.0.0.0:0", "--public-ip-url", closedUrl(), "--workers", "1", SECRET);

        final int port = running.proxy().localAddress().getPort();
        assertEquals(List.of(
            "tg://proxy?server=127.0.0.1&port=" + port + "&secret=" + SECRET,
            "https://t.me/proxy?server=127.0.0.1&port=" + port + "&secret=" + SECRET), console.outLines());
    }

    @Test
    void shouldRunATlsSecretWithItsCloakAndClockSettings() throws Exception
    {
        final String tlsSecret = "ee" + SECRET.substring(2) + Hex.encode("example.com".getBytes());
        // Loopback only: the cloak host is 127.0.0.1 and the NTP server a local UDP port where nothing answers.
        final RunCommand.Running running = start("-b", "127.0.0.1:0", "-4", "1.2.3.4", "-6", "::1", "--workers", "1",
            "--cloak-host", "127.0.0.1", "--cloak-port", "8443", "--ntp-server", "127.0.0.1:9",
            "--tolerate-time-skewness", "3s", "--anti-replay-max-size", "1MB", tlsSecret);

        final io.mtgj.config.ProxyConfig config = running.proxy().config();
        assertEquals(new io.mtgj.config.HostPort("127.0.0.1", 8443), config.cloak());
        assertEquals(List.of(new io.mtgj.config.HostPort("127.0.0.1", 9)), config.ntpServers());
        assertEquals(ClockWindow.symmetric(3000), config.helloPolicy().clockWindow());
        assertEquals(1 << 20, config.antiReplayMaxBytes());
        final int port = running.proxy().localAddress().getPort();
        assertEquals("tg://proxy?server=1.2.3.4&port=" + port + "&secret=" + tlsSecret, console.outLines().get(0));
    }

    @Test
    void shouldReadAnAsymmetricClockWindowAndTheUnknownSniPolicy() throws Exception
    {
        final String tlsSecret = "ee" + SECRET.substring(2) + Hex.encode("example.com".getBytes());
        final RunCommand.Running running = start(Map.of("MTG_UNKNOWN_SNI", "reset"), "-b", "127.0.0.1:0", "-4",
            "1.2.3.4", "-6", "::1", "--workers", "1", "--cloak-host", "127.0.0.1", "--ntp-server", "127.0.0.1:9",
            "--tolerate-time-skewness", "10m,30s", tlsSecret);

        final io.mtgj.config.HelloPolicy policy = running.proxy().config().helloPolicy();
        assertEquals(new ClockWindow(600_000, 30_000), policy.clockWindow());
        assertEquals(io.mtgj.config.UnknownSni.RESET, policy.unknownSni());
    }

    @Test
    void shouldDefaultToTheTenMinutesTwoMinutesWindowAndCloaking() throws Exception
    {
        final String tlsSecret = "ee" + SECRET.substring(2) + Hex.encode("example.com".getBytes());
        final RunCommand.Running running = start("-b", "127.0.0.1:0", "-4", "1.2.3.4", "-6", "::1", "--workers", "1",
            "--cloak-host", "127.0.0.1", "--ntp-server", "127.0.0.1:9", tlsSecret);

        assertEquals(io.mtgj.config.HelloPolicy.DEFAULT, running.proxy().config().helloPolicy());
        assertEquals("10m,2m", running.proxy().config().helloPolicy().clockWindow().format());
    }

    @Test
    void shouldReadTheMetricsFlagsAndVariables() throws Exception
    {
        final Map<String, String> env = Map.of(
            "MTG_STATS_BIND", "127.0.0.1:9100",
            "MTG_STATS_NAMESPACE", "proxy",
            "MTG_STATSD_ADDR", "::1",
            "MTG_STATSD_PORT", "9125",
            "MTG_STATSD_PREFIX", "a.b",
            "MTG_STATSD_TAGS_FORMAT", "InfluxDB",
            "MTG_STATSD_TAGS", "env=prod, region=eu-1",
            "MTG_STATSD_INTERVAL", "500ms");

        final StatsConfig fromEnv = RunCommand.plan(new String[] {SECRET}, env).config().stats();
        final StatsConfig fromFlags = RunCommand.plan(new String[] {"-t", "[::1]:9200", "--stats-namespace", "",
            "--statsd-addr", "localhost", "--statsd-tags-format", "datadog", "--statsd-tags", "a=1", "--statsd-tags",
            "b=2", SECRET}, env).config().stats();

        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9100), fromEnv.bind());
        assertEquals("proxy", fromEnv.namespace());
        assertEquals(new HostPort("::1", 9125), fromEnv.statsd());
        assertEquals("a.b", fromEnv.statsdPrefix());
        assertEquals(StatsdTagsFormat.INFLUXDB, fromEnv.statsdTagsFormat());
        assertEquals(List.of("env", "region"), List.copyOf(fromEnv.statsdTags().keySet()));
        assertEquals(500, fromEnv.statsdIntervalMs());
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 9200), fromFlags.bind());
        assertEquals("", fromFlags.namespace());
        assertEquals(new HostPort("localhost", 9125), fromFlags.statsd());
        assertEquals(StatsdTagsFormat.DATADOG, fromFlags.statsdTagsFormat());
        assertEquals(Map.of("a", "1", "b", "2"), fromFlags.statsdTags(), "flags replace the variable's list");
        assertEquals(StatsConfig.DISABLED, RunCommand.plan(new String[] {SECRET}, Map.of()).config().stats());
    }

    @Test
    void shouldServeMetricsWhenAskedTo() throws Exception
    {
        final RunCommand.Running running = start("-b", "127.0.0.1:0", "-4", "1.2.3.4", "-6", "::1", "--workers", "1",
            "-t", "127.0.0.1:0", SECRET);

        final InetSocketAddress stats = running.proxy().statsAddress();
        assertEquals(InetAddress.getByName("127.0.0.1"), stats.getAddress());
        try (Socket socket = new Socket(stats.getAddress(), stats.getPort()))
        {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("\r\n\r\nok"), response);
        }
    }

    @Test
    void shouldSetTheLogThresholdBeforeStarting() throws Exception
    {
        start("-b", "127.0.0.1:0", "-4", "1.2.3.4", "-6", "::1", "-v", "--workers", "1", SECRET);

        assertEquals(System.Logger.Level.DEBUG, ConsoleLoggerFinder.threshold());
    }

    @Test
    void shouldExitZeroAfterAGracefulStop()
    {
        final int status = Main.run(new String[] {"run", "-b", "127.0.0.1:0", "-4", "192.0.2.1", "-6", "::1",
            "--workers", "1", "--shutdown-timeout", "1s", SECRET}, Map.of(), console.out, console.err,
            RunCommand.Running::shutdown);

        assertEquals(0, status);
    }

    @Test
    void shouldExitOneWhenAReactorThreadDies()
    {
        final AtomicReference<RunCommand.Running> started = new AtomicReference<>();

        final int status = Main.run(new String[] {"run", "-b", "127.0.0.1:0", "-4", "192.0.2.1", "-6", "::1",
            "--workers", "1", SECRET}, Map.of(), console.out, console.err, running ->
            {
                started.set(running);
                running.onFatalError(new OutOfMemoryError("test: a reactor ran out of memory"));
            });

        assertEquals(1, status);
        assertFalse(started.get().proxy().isHealthy(), "the proxy was closed before returning");
    }

    private RunCommand.Running start(final String... args) throws CommandLineError
    {
        return start(Map.of(), args);
    }

    private RunCommand.Running start(final Map<String, String> env, final String... args) throws CommandLineError
    {
        final RunCommand.Running running = RunCommand.start(args, env, console.out);
        toClose.add(running);
        return running;
    }

    private static Map<String, String> environment()
    {
        final Map<String, String> env = new HashMap<>();
        env.put("MTG_BIND", "127.0.0.1:4000");
        env.put("MTG_WRITE_BUFFER", "64KB");
        env.put("MTG_READ_BUFFER", "16kb");
        env.put("MTG_PREFER_IP", "only-ipv4");
        env.put("MTG_DC_ADDRESS", "2=127.0.0.1:443, 4=[::1]:8443,4=127.0.0.1:444");
        env.put("MTG_WORKERS", "3");
        env.put("MTG_HANDSHAKE_TIMEOUT", "3s");
        env.put("MTG_DIAL_TIMEOUT", "4000ms");
        env.put("MTG_IDLE_TIMEOUT", "1m");
        env.put("MTG_MAX_CONNECTIONS", "1000");
        env.put("MTG_SHUTDOWN_TIMEOUT", "30s");
        env.put("MTG_PUBLIC_IPV4", "192.0.2.4:443");
        env.put("MTG_PUBLIC_IPV6", "2001:db8::6");
        env.put("MTG_PUBLIC_IP_URL", "http://127.0.0.1:9/ip");
        env.put("MTG_VERBOSE", "yes");
        env.put("MTG_DEBUG", "no");
        env.put("MTG_SECRET", "ignored");
        env.put("MTG_AD_TAG", "ignored");
        return env;
    }

    private static String closedUrl() throws IOException
    {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            return "http://127.0.0.1:" + probe.getLocalPort() + "/ip";
        }
    }
}
