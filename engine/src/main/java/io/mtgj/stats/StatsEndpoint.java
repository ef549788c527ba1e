package io.mtgj.stats;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer.HTTPMetricHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The HTTP endpoint on the JDK's {@link HttpServer}: {@code /metrics} served by simpleclient_httpserver's handler
 * (text format, gzip, {@code name[]} filters) and {@code /health} (200 "ok" while the proxy is healthy, 503
 * otherwise). simpleclient's own {@code HTTPServer} wrapper is not used: it cannot take both a prepared server and an
 * executor, and its executor's threads are named {@code prometheus-http-*}. Every thread here is a daemon named
 * {@code mtg-stats*}: the handler pool's by its factory; the JDK server's dispatcher and timer threads are started
 * inside a {@code mtg-stats} thread group from a daemon thread (so they inherit daemon status) and renamed once
 * started.
 */
public final class StatsEndpoint implements AutoCloseable
{
    /** Path of the health check. */
    public static final String HEALTH_PATH = "/health";
    /** Path of the metrics. */
    public static final String METRICS_PATH = "/metrics";

    private static final String THREAD_PREFIX = "mtg-stats";
    private static final int BACKLOG = 16;
    private static final int HANDLER_THREADS = 2;
    private static final byte[] HEALTHY = "ok".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNHEALTHY = "unhealthy".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService handlers;
    private final InetSocketAddress address;

    private StatsEndpoint(final HttpServer server, final ExecutorService handlers, final InetSocketAddress address)
    {
        this.server = server;
        this.handlers = handlers;
        this.address = address;
    }

    /**
     * Bind and serve.
     *
     * @param bind     address to listen on (port 0 picks a free port).
     * @param registry what {@code /metrics} exports.
     * @param healthy  what {@code /health} reports.
     * @return the running endpoint.
     * @throws StatsBindException when the address cannot be bound.
     */
    public static StatsEndpoint start(
        final InetSocketAddress bind, final CollectorRegistry registry, final BooleanSupplier healthy)
        throws StatsBindException
    {
        final ThreadGroup group = new ThreadGroup(THREAD_PREFIX);
        final AtomicInteger threadCount = new AtomicInteger();
        final ExecutorService handlers = Executors.newFixedThreadPool(HANDLER_THREADS, task ->
        {
            final Thread thread = new Thread(group, task, THREAD_PREFIX + "-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        final FutureTask<HttpServer> startup = new FutureTask<>(() ->
        {
            final HttpServer http = HttpServer.create(bind, BACKLOG);
            try
            {
                http.createContext(METRICS_PATH, new HTTPMetricHandler(registry));
                http.createContext(HEALTH_PATH, exchange -> onHealth(exchange, healthy.getAsBoolean()));
                http.setExecutor(handlers);
                http.start();
                return http;
            }
            catch (final RuntimeException ex)
            {
                http.stop(0);
                throw ex;
            }
        });
        final Thread starter = new Thread(group, startup, THREAD_PREFIX + "-start");
        starter.setDaemon(true);
        starter.start();
        final HttpServer server;
        try
        {
            server = startup.get();
        }
        catch (final ExecutionException ex)
        {
            handlers.shutdownNow();
            final Throwable cause = ex.getCause();
            if (cause instanceof IOException)
            {
                throw new StatsBindException(bind, (IOException)cause);
            }
            throw new IllegalStateException("cannot start the stats endpoint", cause);
        }
        catch (final InterruptedException ex)
        {
            handlers.shutdownNow();
            Thread.currentThread().interrupt();
            throw new StatsBindException(bind, new IOException("interrupted while starting"));
        }
        renameThreads(group);
        return new StatsEndpoint(server, handlers, server.getAddress());
    }

    /**
     * The JDK names its server threads itself ({@code HTTP-Dispatcher}, {@code idle-timeout-task}); give them ours.
     */
    private static void renameThreads(final ThreadGroup group)
    {
        final Thread[] threads = new Thread[group.activeCount() + 8];
        final int count = group.enumerate(threads);
        for (int i = 0; i < count; i++)
        {
            final String name = threads[i].getName();
            if (!name.startsWith(THREAD_PREFIX))
            {
                threads[i].setName(THREAD_PREFIX + "-" + name.toLowerCase(Locale.ROOT));
            }
        }
    }

    private static void onHealth(final HttpExchange exchange, final boolean healthy) throws IOException
    {
        try (exchange)
        {
            final byte[] body = healthy ? HEALTHY : UNHEALTHY;
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(healthy ? 200 : 503, -1);
                return;
            }
            exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    /**
     * @return the bound address, with the real port.
     */
    public InetSocketAddress address()
    {
        return address;
    }

    /**
     * Stop serving; its threads end.
     */
    @Override
    public void close()
    {
        server.stop(0);
        handlers.shutdownNow();
    }
}
