package io.mtgj.net;

import io.mtgj.config.ProxyConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening socket and one {@link Reactor} thread per worker. Every reactor registers the same non-blocking
 * listener, so accepts spread over the reactors without a hand-off; each client's upstream joins its reactor.
 */
public final class ReactorGroup implements AutoCloseable
{
    private static final long JOIN_TIMEOUT_MS = 5_000;

    private final ServerSocketChannel listener;
    private final List<Reactor> reactors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

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
        listener = ServerSocketChannel.open();
        try
        {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(config.bind(), 4096);
            listener.configureBlocking(false);
            for (int i = 0; i < config.workers(); i++)
            {
                reactors.add(new Reactor(i, config, listener, clientMode, upstream, cloak));
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            listener.close();
            throw ex;
        }
        for (final Reactor reactor : reactors)
        {
            final Thread thread = new Thread(reactor, reactor.threadName());
            thread.setDaemon(false);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * @return the bound address (with the real port when the configuration asked for port 0).
     */
    public InetSocketAddress localAddress()
    {
        try
        {
            return (InetSocketAddress)listener.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @return the reactors.
     */
    public List<Reactor> reactors()
    {
        return reactors;
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
