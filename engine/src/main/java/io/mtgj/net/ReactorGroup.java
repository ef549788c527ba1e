package io.mtgj.net;

import io.mtgj.config.ProxyConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The listening socket and one {@link Reactor} thread per worker. Every reactor registers the same non-blocking
 * listener, so accepts spread over the reactors without a hand-off; each client's upstream joins its reactor. The
 * reactors share one {@link ConnectionLimit}.
 * <p>
 * A reactor thread that dies (an {@link Error} escapes its loop) is logged and reported once through
 * {@link #fatalError()}; the group never exits the process itself.
 */
public final class ReactorGroup implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.reactor");
    private static final long JOIN_TIMEOUT_MS = 5_000;
    /** How long {@link #stopAccepting()} waits for the reactors to let go of the listener. */
    private static final long STOP_ACCEPTING_TIMEOUT_MS = 2_000;

    private final ServerSocketChannel listener;
    private final InetSocketAddress localAddress;
    private final ConnectionLimit connectionLimit;
    private final List<Reactor> reactors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CompletableFuture<Throwable> fatalError = new CompletableFuture<>();

    /**
     * Bind and start the reactors.
     *
     * @param config     configuration.
     * @param clientMode the secret mode's strategy.
     * @param upstream   the upstream strategy.
     * @param cloak      where clients that are not ours are fronted, or null.
     * @throws IOException when binding fails.
     */
    public ReactorGroup(
        final ProxyConfig config, final ClientMode clientMode, final Upstream upstream, final Upstream cloak)
        throws IOException
    {
        this(config, clientMode, upstream, cloak, ClientGate.OPEN);
    }

    /**
     * Bind and start the reactors, with accept-time checks.
     *
     * @param config     configuration.
     * @param clientMode the secret mode's strategy.
     * @param upstream   the upstream strategy.
     * @param cloak      where clients that are not ours are fronted, or null.
     * @param gate       access lists and the per-IP limit.
     * @throws IOException when binding fails.
     */
    public ReactorGroup(final ProxyConfig config, final ClientMode clientMode, final Upstream upstream,
        final Upstream cloak, final ClientGate gate) throws IOException
    {
        connectionLimit = new ConnectionLimit(config.capacity().maxConnections());
        listener = ServerSocketChannel.open();
        try
        {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(config.bind(), 4096);
            listener.configureBlocking(false);
            localAddress = (InetSocketAddress)listener.getLocalAddress();
            for (int i = 0; i < config.workers(); i++)
            {
                reactors.add(new Reactor(i, config, listener, clientMode, upstream, cloak, connectionLimit, gate));
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            listener.close();
            throw ex;
        }
        for (final Reactor reactor : reactors)
        {
            final Thread thread = new Thread(() -> runReactor(reactor), reactor.threadName());
            thread.setDaemon(false);
            threads.add(thread);
            thread.start();
        }
    }

    private void runReactor(final Reactor reactor)
    {
        try
        {
            reactor.run();
        }
        catch (final Throwable ex)
        {
            try
            {
                LOG.log(System.Logger.Level.ERROR, "reactor thread " + reactor.threadName() + " died: its " +
                    "connections are gone and it accepts no more; the proxy must be stopped", ex);
            }
            finally
            {
                fatalError.complete(ex);
            }
        }
    }

    /**
     * @return the bound address (with the real port when the configuration asked for port 0), also once closed.
     */
    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    /**
     * @return the reactors.
     */
    public List<Reactor> reactors()
    {
        return reactors;
    }

    /**
     * @return client connections open now, across every reactor, as counted against {@code --max-connections}.
     */
    public int openConnections()
    {
        return connectionLimit.open();
    }

    /**
     * @return completes, with what was thrown, when the first reactor thread dies; never completes otherwise.
     *         Dependent actions run on the dying thread unless made async: they must not block or join reactors.
     */
    public CompletionStage<Throwable> fatalError()
    {
        return fatalError.minimalCompletionStage();
    }

    /**
     * @return whether every reactor thread is alive.
     */
    public boolean isHealthy()
    {
        for (final Thread thread : threads)
        {
            if (!thread.isAlive())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuse new clients and let the open ones carry on: every reactor drops the listener from its selector, then
     * the listening socket is closed, so new connections are refused by the operating system. Waits at most
     * {@value #STOP_ACCEPTING_TIMEOUT_MS} ms for the reactors (a dead one never answers).
     */
    public void stopAccepting()
    {
        final CountDownLatch stopped = new CountDownLatch(reactors.size());
        for (int i = 0; i < reactors.size(); i++)
        {
            final Reactor reactor = reactors.get(i);
            if (!threads.get(i).isAlive() || !reactor.offer(() ->
            {
                reactor.onStopAccepting();
                stopped.countDown();
            }))
            {
                stopped.countDown();
            }
        }
        try
        {
            if (!stopped.await(STOP_ACCEPTING_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                LOG.log(System.Logger.Level.WARNING, "not every reactor stopped accepting in time; closing the " +
                    "listener anyway");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        closeListener();
    }

    /**
     * Stop the reactors (each closes its sessions), wait for their threads, close the listener.
     */
    @Override
    public void close()
    {
        for (final Reactor reactor : reactors)
        {
            reactor.stop();
        }
        for (final Thread thread : threads)
        {
            if (Thread.currentThread() == thread)
            {
                continue;
            }
            try
            {
                thread.join(JOIN_TIMEOUT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeListener();
    }

    private void closeListener()
    {
        try
        {
            listener.close();
        }
        catch (final IOException ignore)
        {
            // shutting down
        }
    }
}
