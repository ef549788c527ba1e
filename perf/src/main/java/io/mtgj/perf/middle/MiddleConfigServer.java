package io.mtgj.perf.middle;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for core.telegram.org's three middle-proxy endpoints (protocol.md 7.1) on 127.0.0.1: {@code
 * /getProxySecret} serves the raw secret, {@code /getProxyConfig} and {@code /getProxyConfigV6} the text format
 * ({@code # comment}, {@code default <dc>;}, {@code proxy_for <dc> <host:port>;}, IPv6 hosts in brackets), rendered
 * from maps of DC to addresses with every line of a DC adjacent. Each endpoint can be told to fail (see
 * {@link Failure}), the served data can be replaced at run time, and requests are counted per path.
 */
public final class MiddleConfigServer implements AutoCloseable
{
    /** Path of the proxy secret. */
    public static final String SECRET_PATH = "/getProxySecret";
    /** Path of the IPv4 list. */
    public static final String CONFIG_PATH = "/getProxyConfig";
    /** Path of the IPv6 list. */
    public static final String CONFIG_V6_PATH = "/getProxyConfigV6";
    /** DC for unknown ids when none is given. */
    public static final int DEFAULT_DC = 2;
    /** How long a {@link Failure#HANG} request hangs unless changed by {@link #hangMs(long)}. */
    public static final long DEFAULT_HANG_MS = 60_000;
    /** The body {@link Failure#GARBAGE} serves on the secret path: 7 bytes, outside the 32..256 a secret has. */
    public static final byte[] GARBAGE_SECRET = { 0x3c, 0x68, 0x74, 0x6d, 0x6c, 0x3e, 0x0a };
    /** The body {@link Failure#GARBAGE} serves on the config paths: an HTML page, no statement in it. */
    public static final String GARBAGE_CONFIG = "<html><head><title>502 Bad Gateway</title></head>\n" +
        "<body>proxy_for nothing here; default;\n\u0000\u00ff</body></html>\n";

    /**
     * How an endpoint misbehaves.
     */
    public enum Failure
    {
        /** Serve the data with status 200. */
        NONE,
        /** Answer status 500 with a short text body. */
        HTTP_500,
        /** Send nothing for {@link #hangMs(long)} (or until {@link #close()}), then status 500. */
        HANG,
        /** Status 200 with a body that is neither a secret nor a config (see {@code GARBAGE_*}). */
        GARBAGE
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private volatile byte[] secret;
    private volatile String configText;
    private volatile String configV6Text;
    private volatile int defaultDc;
    private volatile long hangMs = DEFAULT_HANG_MS;

    private MiddleConfigServer(
        final HttpServer server,
        final ExecutorService executor,
        final byte[] secret,
        final String configText,
        final String configV6Text,
        final int defaultDc)
    {
        this.server = server;
        this.executor = executor;
        this.secret = secret;
        this.configText = configText;
        this.configV6Text = configV6Text;
        this.defaultDc = defaultDc;
    }

    /**
     * Serve on 127.0.0.1 on a free port, with {@code default 2;}.
     *
     * @param secret the proxy secret to serve.
     * @param v4     DC to ME addresses for {@code /getProxyConfig}.
     * @param v6     DC to ME addresses for {@code /getProxyConfigV6}.
     * @return the running server.
     * @throws IOException when binding fails.
     */
    public static MiddleConfigServer start(
        final byte[] secret,
        final Map<Integer, List<InetSocketAddress>> v4,
        final Map<Integer, List<InetSocketAddress>> v6) throws IOException
    {
        return start(secret, v4, v6, DEFAULT_DC);
    }

    /**
     * Serve on 127.0.0.1 on a free port.
     *
     * @param secret    the proxy secret to serve.
     * @param v4        DC to ME addresses for {@code /getProxyConfig}.
     * @param v6        DC to ME addresses for {@code /getProxyConfigV6}.
     * @param defaultDc the {@code default} line of both lists.
     * @return the running server.
     * @throws IOException when binding fails.
     */
    public static MiddleConfigServer start(
        final byte[] secret,
        final Map<Integer, List<InetSocketAddress>> v4,
        final Map<Integer, List<InetSocketAddress>> v6,
        final int defaultDc) throws IOException
    {
        final HttpServer server = HttpServer.create(
            new InetSocketAddress(InetAddress.getByAddress(new byte[]{ 127, 0, 0, 1 }), 0), 64);
        final ExecutorService executor = Executors.newCachedThreadPool(
            (runnable) ->
            {
                final Thread thread = new Thread(runnable, "middle-config-http");
                thread.setDaemon(true);
                return thread;
            });
        final MiddleConfigServer config = new MiddleConfigServer(server, executor, secret.clone(),
            render(v4, defaultDc), render(v6, defaultDc), defaultDc);
        server.createContext("/", config::handle);
        server.setExecutor(executor);
        server.start();
        return config;
    }

    /**
     * @param addresses ME addresses.
     * @return a map sending DCs 1..5 and -1..-5 to all of them.
     */
    public static Map<Integer, List<InetSocketAddress>> everyDc(final List<InetSocketAddress> addresses)
    {
        final Map<Integer, List<InetSocketAddress>> dcs = new TreeMap<>();
        for (int dc = 1; dc <= 5; dc++)
        {
            dcs.put(dc, List.copyOf(addresses));
            dcs.put(-dc, List.copyOf(addresses));
        }
        return dcs;
    }

    /**
     * Render the text format of protocol.md 7.1: a comment, {@code default <dc>;}, then one
     * {@code proxy_for <dc> <host:port>;} line per address, DCs in ascending order so each DC's lines are
     * adjacent. IPv6 hosts are written {@code [addr]:port}.
     *
     * @param dcs       DC to addresses.
     * @param defaultDc the {@code default} DC.
     * @return the text, lines ending in {@code \n}.
     */
    public static String render(final Map<Integer, List<InetSocketAddress>> dcs, final int defaultDc)
    {
        final StringBuilder text = new StringBuilder();
        text.append("# force_probability 10 10\n");
        text.append("default ").append(defaultDc).append(";\n");
        for (final Map.Entry<Integer, List<InetSocketAddress>> entry : new TreeMap<>(dcs).entrySet())
        {
            for (final InetSocketAddress address : entry.getValue())
            {
                text.append("proxy_for ").append(entry.getKey()).append(' ').append(hostPort(address)).append(";\n");
            }
        }
        return text.toString();
    }

    private static String hostPort(final InetSocketAddress address)
    {
        final InetAddress ip = address.getAddress();
        final String host = null == ip ? address.getHostString() : ip.getHostAddress();
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * @return the listening address.
     */
    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    /**
     * @return {@code http://127.0.0.1:port/getProxySecret}.
     */
    public URI secretUrl()
    {
        return url(SECRET_PATH);
    }

    /**
     * @return {@code http://127.0.0.1:port/getProxyConfig}.
     */
    public URI configUrl()
    {
        return url(CONFIG_PATH);
    }

    /**
     * @return {@code http://127.0.0.1:port/getProxyConfigV6}.
     */
    public URI configV6Url()
    {
        return url(CONFIG_V6_PATH);
    }

    /**
     * @param path a path starting with {@code /}.
     * @return the URL of that path on this server.
     */
    public URI url(final String path)
    {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /**
     * @param fail true: every endpoint answers {@link Failure#HTTP_500}; false: every endpoint serves normally.
     */
    public void failAll(final boolean fail)
    {
        failAll(fail ? Failure.HTTP_500 : Failure.NONE);
    }

    /**
     * @param failure how all three endpoints behave from now on.
     */
    public void failAll(final Failure failure)
    {
        fail(SECRET_PATH, failure);
        fail(CONFIG_PATH, failure);
        fail(CONFIG_V6_PATH, failure);
    }

    /**
     * @param path    one of the three paths.
     * @param failure how it behaves from now on (requests already hanging keep hanging).
     */
    public void fail(final String path, final Failure failure)
    {
        failures.put(path, failure);
    }

    /**
     * @param hangMs how long {@link Failure#HANG} requests that arrive from now on hang.
     */
    public void hangMs(final long hangMs)
    {
        this.hangMs = hangMs;
    }

    /**
     * Serve new lists from now on, keeping the {@code default} DC.
     *
     * @param v4 DC to ME addresses for {@code /getProxyConfig}.
     * @param v6 DC to ME addresses for {@code /getProxyConfigV6}.
     */
    public void replaceConfig(
        final Map<Integer, List<InetSocketAddress>> v4, final Map<Integer, List<InetSocketAddress>> v6)
    {
        replaceConfig(v4, v6, defaultDc);
    }

    /**
     * Serve new lists from now on.
     *
     * @param v4        DC to ME addresses for {@code /getProxyConfig}.
     * @param v6        DC to ME addresses for {@code /getProxyConfigV6}.
     * @param defaultDc the new {@code default} DC.
     */
    public void replaceConfig(
        final Map<Integer, List<InetSocketAddress>> v4,
        final Map<Integer, List<InetSocketAddress>> v6,
        final int defaultDc)
    {
        this.defaultDc = defaultDc;
        replaceConfigText(render(v4, defaultDc), render(v6, defaultDc));
    }

    /**
     * Serve these exact texts from now on (for parser edge cases).
     *
     * @param v4Text body of {@code /getProxyConfig}.
     * @param v6Text body of {@code /getProxyConfigV6}.
     */
    public void replaceConfigText(final String v4Text, final String v6Text)
    {
        this.configText = v4Text;
        this.configV6Text = v6Text;
    }

    /**
     * @param secret the proxy secret to serve from now on.
     */
    public void replaceSecret(final byte[] secret)
    {
        this.secret = secret.clone();
    }

    /**
     * @return the body of {@code /getProxyConfig} now.
     */
    public String configText()
    {
        return configText;
    }

    /**
     * @return the body of {@code /getProxyConfigV6} now.
     */
    public String configV6Text()
    {
        return configV6Text;
    }

    /**
     * @return a copy of the secret served now.
     */
    public byte[] secret()
    {
        return secret.clone();
    }

    /**
     * @param path a request path, served or not.
     * @return requests that arrived for it, whatever the answer.
     */
    public long requests(final String path)
    {
        final AtomicLong count = requests.get(path);
        return null == count ? 0 : count.get();
    }

    /**
     * @return requests for every path.
     */
    public long totalRequests()
    {
        long total = 0;
        for (final AtomicLong count : new ArrayList<>(requests.values()))
        {
            total += count.get();
        }
        return total;
    }

    /**
     * Stop serving; hanging requests are released without an answer.
     */
    @Override
    public void close()
    {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, (ignored) -> new AtomicLong()).incrementAndGet();
            final boolean isSecret = SECRET_PATH.equals(path);
            if (!isSecret && !CONFIG_PATH.equals(path) && !CONFIG_V6_PATH.equals(path))
            {
                respond(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            switch (failures.getOrDefault(path, Failure.NONE))
            {
                case HTTP_500:
                    respond(exchange, 500, "text/plain", "failing on purpose\n".getBytes(StandardCharsets.US_ASCII));
                    return;

                case HANG:
                    if (!hang())
                    {
                        respond(exchange, 500, "text/plain", "hung on purpose\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    return;

                case GARBAGE:
                    respond(exchange, 200, isSecret ? "application/octet-stream" : "text/plain",
                        isSecret ? GARBAGE_SECRET.clone() : GARBAGE_CONFIG.getBytes(StandardCharsets.UTF_8));
                    return;

                default:
                    break;
            }
            if (isSecret)
            {
                respond(exchange, 200, "application/octet-stream", secret);
            }
            else
            {
                final String text = CONFIG_PATH.equals(path) ? configText : configV6Text;
                respond(exchange, 200, "text/plain", text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * @return true when the server is closing (send nothing more).
     */
    private boolean hang()
    {
        try
        {
            return closing.await(hangMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final String type, final byte[] body)
        throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", type);
        // A length of 0 would mean "chunked" to HttpServer; -1 means no body.
        exchange.sendResponseHeaders(status, 0 == body.length ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(body);
        }
    }
}
