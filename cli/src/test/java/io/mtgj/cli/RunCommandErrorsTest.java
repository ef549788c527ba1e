package io.mtgj.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every malformed input ends {@code mtg run} with status 2 and one line naming the value. Each case also gets a
 * loopback bind, public addresses and a loopback detection URL, so a case that wrongly passes starts nothing that
 * reaches past this machine (and is closed at once).
 */
@Timeout(30)
class RunCommandErrorsTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String TLS_SECRET = "ee" + SECRET + "6578616d706c652e636f6d";
    private static final String AD_TAG = "00112233445566778899aabbccddeeff";

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            // secret and ad tag
            arguments(List.of("0011"), Map.of(), "'0011'"),
            arguments(List.of("not-a-secret!"), Map.of(), "not-a-secret!"),
            arguments(List.of(SECRET + "00"), Map.of(), SECRET + "00"),
            arguments(List.of("ee" + SECRET + "615f62"), Map.of(), "a_b"),
            arguments(List.of("-w", "16KB", TLS_SECRET), Map.of(), "16KB"),
            // access lists and limits
            arguments(List.of("--deny-cidr", "10.0.0.0/33", SECRET), Map.of(), "10.0.0.0/33"),
            arguments(List.of(SECRET), Map.of("MTG_ALLOW_CIDR", "10.0.0.0/8,example.com"), "example.com"),
            arguments(List.of("--blocklist", "/nonexistent/mtg-blocklist.txt", SECRET), Map.of(),
                "/nonexistent/mtg-blocklist.txt"),
            arguments(List.of("--max-connections-per-ip", "-1", SECRET), Map.of(), "--max-connections-per-ip"),
            arguments(List.of("--max-handshakes", "0", SECRET), Map.of(), "--max-handshakes"),
            arguments(List.of("--proxy-protocol-from", "10.0.0.0/8", SECRET), Map.of(),
                "--proxy-protocol-from needs --proxy-protocol"),
            arguments(List.of(SECRET), Map.of("MTG_PROXY_PROTOCOL_FROM", "10.0.0.1"), "needs --proxy-protocol"),
            arguments(List.of("--proxy-protocol", "--proxy-protocol-from", "lb.example.com", SECRET), Map.of(),
                "--proxy-protocol-from: bad network 'lb.example.com'"),
            arguments(List.of(SECRET), Map.of("MTG_PROXY_PROTOCOL", "yes please"), "MTG_PROXY_PROTOCOL"),
            // FakeTLS, anti-replay and clock
            arguments(List.of("--cloak-port", "0", TLS_SECRET), Map.of(), "--cloak-port 0"),
            arguments(List.of("--cloak-port", "https", TLS_SECRET), Map.of(), "'https'"),
            arguments(List.of("--cloak-host", "example.com:443", TLS_SECRET), Map.of(), "example.com:443"),
            arguments(List.of("--anti-replay-max-size", "lots", SECRET), Map.of(), "lots"),
            arguments(List.of(SECRET), Map.of("MTG_ANTI_REPLAY_MAX_SIZE", "12XB"), "12XB"),
            arguments(List.of("--tolerate-time-skewness", "5y", TLS_SECRET), Map.of(), "5y"),
            arguments(List.of("--tolerate-time-skewness", "0s", TLS_SECRET), Map.of(), "--tolerate-time-skewness"),
            arguments(List.of("--tolerate-time-skewness", "10m,30s,5s", TLS_SECRET), Map.of(),
                "bad --tolerate-time-skewness '10m,30s,5s': expected DURATION (as far both ways) or PAST,FUTURE"),
            arguments(List.of("--tolerate-time-skewness", "10m,", TLS_SECRET), Map.of(), "PAST,FUTURE"),
            arguments(List.of("--tolerate-time-skewness", "1500ms", TLS_SECRET), Map.of(), "whole seconds"),
            arguments(List.of(TLS_SECRET), Map.of("MTG_TOLERATE_TIME_SKEWNESS", "-1m,1m"),
                "MTG_TOLERATE_TIME_SKEWNESS: bad --tolerate-time-skewness '-1m,1m'"),
            arguments(List.of("--unknown-sni", "drop", TLS_SECRET), Map.of(),
                "bad --unknown-sni 'drop': expected cloak or reset"),
            arguments(List.of("--ntp-server", "[::1", TLS_SECRET), Map.of(), "[::1"),
            arguments(List.of(TLS_SECRET), Map.of("MTG_NTP_SERVER", "pool.ntp.org:99999"), "99999"),
            arguments(List.of(SECRET, "abc"), Map.of(), "'abc'"),
            arguments(List.of(SECRET, "zz" + AD_TAG.substring(2)), Map.of(), "zz" + AD_TAG.substring(2)),
            arguments(List.of(SECRET, AD_TAG + "00"), Map.of(), AD_TAG + "00"),
            arguments(List.of(), Map.of(), "missing <secret>"),
            arguments(List.of(SECRET, AD_TAG, "extra"), Map.of(), "'extra'"),
            // commons-cli
            arguments(List.of("--nope", SECRET), Map.of(), "--nope"),
            arguments(List.of("-x", SECRET), Map.of(), "-x"),
            arguments(List.of("--verb", SECRET), Map.of(), "--verb"),
            arguments(List.of(SECRET, "-w"), Map.of(), "w"),
            arguments(List.of("-b", "127.0.0.1:0", "--bind", "127.0.0.1:1", SECRET), Map.of(), "--bind"),
            // sizes and durations
            arguments(List.of("-w", "12XB", SECRET), Map.of(), "12XB"),
            arguments(List.of("--read-buffer", "999999999999GB", SECRET), Map.of(), "999999999999GB"),
            arguments(List.of("-r", "512B", SECRET), Map.of(), "512B"),
            arguments(List.of("-w", "1GB", SECRET), Map.of(), "1GB"),
            arguments(List.of("--handshake-timeout", "5y", SECRET), Map.of(), "5y"),
            arguments(List.of("--dial-timeout", "soon", SECRET), Map.of(), "soon"),
            arguments(List.of("--idle-timeout", "0s", SECRET), Map.of(), "--idle-timeout"),
            // addresses
            arguments(List.of("-b", "nonsense", SECRET), Map.of(), "nonsense"),
            arguments(List.of("-b", "127.0.0.1:99999", SECRET), Map.of(), "127.0.0.1:99999"),
            arguments(List.of("-b", "::1:80", SECRET), Map.of(), "::1:80"),
            arguments(List.of("-4", "2001:db8::1", SECRET), Map.of(), "2001:db8::1"),
            arguments(List.of("-4", "example.com", SECRET), Map.of(), "example.com"),
            arguments(List.of("-4", "1.2.3.4:0", SECRET), Map.of(), "1.2.3.4:0"),
            arguments(List.of("-4", "1.2.3.4:http", SECRET), Map.of(), "1.2.3.4:http"),
            arguments(List.of("-6", "1.2.3.4", SECRET), Map.of(), "1.2.3.4"),
            arguments(List.of("--public-ipv6", "[2001:db8::1", SECRET), Map.of(), "[2001:db8::1"),
            arguments(List.of("--prefer-ip", "ipv5", SECRET), Map.of(), "ipv5"),
            // DC addresses
            arguments(List.of("--dc-address", "2", SECRET), Map.of(), "'2'"),
            arguments(List.of("--socks5", "http://127.0.0.1:1080", SECRET), Map.of(), "scheme 'http'"),
            arguments(List.of("--socks5", "socks5://127.0.0.1", SECRET), Map.of(), "missing port"),
            arguments(List.of(SECRET), Map.of("MTG_SOCKS5", "socks5://u:p%zz@127.0.0.1:1"), "MTG_SOCKS5: "),
            arguments(List.of("--socks5", "socks5://a:1", "--socks5", "socks5://a:1", SECRET), Map.of(), "twice"),
            arguments(List.of("--dc-address", "x=127.0.0.1:443", SECRET), Map.of(), "'x'"),
            arguments(List.of("--dc-address", "0=127.0.0.1:443", SECRET), Map.of(), "0=127.0.0.1:443"),
            arguments(List.of("--dc-address", "99999=127.0.0.1:443", SECRET), Map.of(), "99999"),
            arguments(List.of("--dc-address", "2=127.0.0.1", SECRET), Map.of(), "127.0.0.1"),
            arguments(List.of("--dc-address", "2=127.0.0.1:x", SECRET), Map.of(), "127.0.0.1:x"),
            arguments(List.of("--dc-address", "2=127.0.0.1:0", SECRET), Map.of(), "2=127.0.0.1:0"),
            arguments(List.of("--dc-address", "2=127.0.0.1:443", "--dc-address", "bad", SECRET), Map.of(), "bad"),
            // others
            arguments(List.of("--workers", "many", SECRET), Map.of(), "many"),
            arguments(List.of("--workers", "0", SECRET), Map.of(), "--workers 0"),
            // limits and stopping
            arguments(List.of("--max-connections", "0", SECRET), Map.of(), "--max-connections: bad connection count"),
            arguments(List.of("--max-connections", "lots", SECRET), Map.of(), "'lots'"),
            arguments(List.of("--max-connections", "2000000", SECRET), Map.of(), "--max-connections 2000000"),
            arguments(List.of("--max-connections", "1000000", SECRET), Map.of(), "the open-file limit is"),
            arguments(List.of("--buffer-memory", "100GB", SECRET), Map.of(), "-XX:MaxDirectMemorySize"),
            arguments(List.of("--buffer-memory", "64KB", SECRET), Map.of(), "bad --buffer-memory 64KB"),
            arguments(List.of("--buffer-memory", "lots", SECRET), Map.of(), "'lots'"),
            arguments(List.of("--stall-timeout", "0s", SECRET), Map.of(), "--stall-timeout"),
            arguments(List.of(SECRET), Map.of("MTG_STALL_TIMEOUT", "soon"), "MTG_STALL_TIMEOUT"),
            arguments(List.of(SECRET), Map.of("MTG_MAX_CONNECTIONS", "-3"), "MTG_MAX_CONNECTIONS"),
            arguments(List.of("--shutdown-timeout", "soon", SECRET), Map.of(), "'soon'"),
            arguments(List.of("--shutdown-timeout", "2h", SECRET), Map.of(), "--shutdown-timeout"),
            arguments(List.of(SECRET), Map.of("MTG_SHUTDOWN_TIMEOUT", "5"), "MTG_SHUTDOWN_TIMEOUT: bad duration '5'"),
            arguments(List.of("--public-ip-url", "ftp://127.0.0.1/ip", SECRET), Map.of(), "ftp://127.0.0.1/ip"),
            arguments(List.of("--public-ip-url", "http://[oops/", SECRET), Map.of(), "http://[oops/"),
            // metrics
            arguments(List.of("-t", "127.0.0.1", SECRET), Map.of(), "--stats-bind: bad address '127.0.0.1'"),
            arguments(List.of("--stats-bind", "127.0.0.1:http", SECRET), Map.of(), "127.0.0.1:http"),
            arguments(List.of("--stats-namespace", "mtg-proxy", SECRET), Map.of(), "'mtg-proxy'"),
            arguments(List.of("--statsd-addr", "bad host!", SECRET), Map.of(), "--statsd-addr: bad host 'bad host!'"),
            arguments(List.of("--statsd-addr", "127.0.0.1:8125", SECRET), Map.of(), "--statsd-port"),
            arguments(List.of("--statsd-addr", "[::1", SECRET), Map.of(), "[::1"),
            arguments(List.of("--statsd-addr", "127.0.0.1", "--statsd-port", "0", SECRET), Map.of(),
                "--statsd-port 0"),
            arguments(List.of("--statsd-port", "udp", SECRET), Map.of(), "'udp'"),
            arguments(List.of("--statsd-prefix", "mtg|x", SECRET), Map.of(), "'mtg|x'"),
            arguments(List.of("--statsd-tags-format", "graphite", SECRET), Map.of(),
                "--statsd-tags-format: unknown tags format 'graphite'"),
            arguments(List.of("--statsd-tags", "region", SECRET), Map.of(),
                "--statsd-tags: bad tag 'region': expected key=value"),
            arguments(List.of("--statsd-tags", "a=1", "--statsd-tags", "a=2", SECRET), Map.of(), "'a' given twice"),
            arguments(List.of("--statsd-tags", "k=v w", SECRET), Map.of(), "'k=v w'"),
            arguments(List.of("--statsd-interval", "often", SECRET), Map.of(), "'often'"),
            arguments(List.of("--statsd-interval", "0s", SECRET), Map.of(), "--statsd-interval"),
            arguments(List.of(SECRET), Map.of("MTG_STATS_BIND", "nowhere"), "MTG_STATS_BIND: bad address 'nowhere'"),
            arguments(List.of(SECRET), Map.of("MTG_STATSD_ADDR", "a b"), "MTG_STATSD_ADDR: bad host 'a b'"),
            arguments(List.of(SECRET), Map.of("MTG_STATSD_TAGS_FORMAT", "xml"), "MTG_STATSD_TAGS_FORMAT"),
            arguments(List.of(SECRET), Map.of("MTG_STATSD_TAGS", "env=prod,broken"),
                "MTG_STATSD_TAGS: bad tag 'broken'"),
            // the environment
            arguments(List.of(SECRET), Map.of("MTG_DEBUG", "maybe"), "MTG_DEBUG: bad boolean 'maybe'"),
            arguments(List.of(SECRET), Map.of("MTG_VERBOSE", "2"), "MTG_VERBOSE: bad boolean '2'"),
            arguments(List.of(SECRET), Map.of("MTG_WRITE_BUFFER", "huge"), "MTG_WRITE_BUFFER: bad size 'huge'"),
            arguments(List.of(SECRET), Map.of("MTG_BIND", "nowhere"), "MTG_BIND: bad address 'nowhere'"),
            arguments(List.of(SECRET), Map.of("MTG_PREFER_IP", "both"), "MTG_PREFER_IP: bad value 'both'"),
            arguments(List.of(SECRET), Map.of("MTG_DC_ADDRESS", "2=127.0.0.1:443, bad"), "MTG_DC_ADDRESS"),
            arguments(List.of(SECRET), Map.of("MTG_WORKERS", "-1"), "-1"),
            arguments(List.of(SECRET), Map.of("MTG_PUBLIC_IPV4", "nope"), "MTG_PUBLIC_IPV4: 'nope'"),
            arguments(List.of(SECRET), Map.of("MTG_IDLE_TIMEOUT", "5"), "MTG_IDLE_TIMEOUT: bad duration '5'"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void shouldRejectWithOneLineNamingTheValue(
        final List<String> args, final Map<String, String> env, final String named)
    {
        final Console console = new Console();

        final int status = Main.run(safe(args, env), safe(env), console.out, console.err, RunCommand.Running::close);

        assertEquals(2, status, console.err());
        assertEquals(1, console.errLines().size(), console.err());
        final String line = console.errLines().get(0);
        assertTrue(line.startsWith("mtg: "), line);
        assertTrue(line.contains(named), "'" + named + "' not in: " + line);
        assertEquals("", console.out());
    }

    @Test
    void shouldFailWithStatusOneWhenThePortIsTaken() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")))
        {
            final Console console = new Console();
            final String bind = "127.0.0.1:" + taken.getLocalPort();

            final int status = Main.run(safe(List.of("-b", bind, SECRET), Map.of()), safe(Map.of()), console.out,
                console.err, RunCommand.Running::close);

            assertEquals(1, status, console.err());
            assertEquals(1, console.errLines().size(), console.err());
            assertTrue(console.errLines().get(0).startsWith("mtg: cannot listen on " + bind), console.err());
        }
    }

    @Test
    void shouldFailWithStatusOneWhenTheStatsPortIsTaken() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")))
        {
            final Console console = new Console();
            final String bind = "127.0.0.1:" + taken.getLocalPort();

            final int status = Main.run(safe(List.of("--stats-bind", bind, SECRET), Map.of()), safe(Map.of()),
                console.out, console.err, RunCommand.Running::close);

            assertEquals(1, status, console.err());
            assertEquals(1, console.errLines().size(), console.err());
            assertTrue(console.errLines().get(0).startsWith("mtg: cannot listen on " + bind + " (--stats-bind): "),
                console.err());
            assertEquals("", console.out());
        }
    }

    /**
     * @return the arguments plus a loopback bind and public addresses, unless the case sets them itself.
     */
    private static String[] safe(final List<String> args, final Map<String, String> env)
    {
        final List<String> all = new ArrayList<>();
        all.add("run");
        all.addAll(args);
        addUnlessSet(all, env, "-b", "--bind", "MTG_BIND", "127.0.0.1:0");
        addUnlessSet(all, env, "-4", "--public-ipv4", "MTG_PUBLIC_IPV4", "192.0.2.1");
        addUnlessSet(all, env, "-6", "--public-ipv6", "MTG_PUBLIC_IPV6", "2001:db8::1");
        return all.toArray(new String[0]);
    }

    private static void addUnlessSet(
        final List<String> args,
        final Map<String, String> env,
        final String shortFlag,
        final String longFlag,
        final String envName,
        final String value)
    {
        for (final String arg : args)
        {
            if (arg.equals(shortFlag) || arg.equals(longFlag) || arg.startsWith(longFlag + "="))
            {
                return;
            }
        }
        if (!env.containsKey(envName))
        {
            args.add(shortFlag);
            args.add(value);
        }
    }

    private static Map<String, String> safe(final Map<String, String> env)
    {
        final Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("MTG_PUBLIC_IP_URL", "http://127.0.0.1:9/ip");
        return all;
    }
}
