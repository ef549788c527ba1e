package io.mtgj.net;

import io.mtgj.config.Listening;
import io.mtgj.config.ProxyConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The listening sockets and one {@link Reactor} thread per worker. Where the system offers {@code SO_REUSEPORT}
 * (Linux), each reactor has its own listening socket on the same address and the kernel spreads new connections over
 * them; a shared one would wake every reactor for each connection, only one of which gets it (with two reactors that
 * cost a third of the CPU a short client takes). Elsewhere, or with one worker, they all register one listener. Each
 * client's upstream joins its reactor. The reactors share one {@link ConnectionLimit}.
 * <p>
 * A reactor thread that dies (an {@link Error} escapes its loop) is logged and reported once through
 * {@link #fatalError()}; the group never exits the process itself.
 */
public final class ReactorGroup implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.reactor");
    private static final long JOIN_TIMEOUT_MS = 5_000;
    /** How long {@link #stopAccepting()} waits for the reactors to let go of their listeners. */
    private static final long STOP_ACCEPTING_TIMEOUT_MS = 2_000;

    private static final int BACKLOG = 4096;
    private static final String MIGRATE_REQ_SETTING = "/proc/sys/net/ipv4/tcp_migrate_req";

    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final InetSocketAddress localAddress;
    /** Whether the listener is systemd's: others hold it too, so its queued connections are left for them. */
    private boolean inherited;
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
        this(config, clientMode, upstream, cloak, gate, null);
    }

    /**
     * Bind and start the reactors, with accept-time checks and connections to Telegram made through relays.
     *
     * @param config     configuration.
     * @param clientMode the secret mode's strategy.
     * @param upstream   the upstream strategy.
     * @param cloak      where clients that are not ours are fronted, or null.
     * @param gate       access lists and the per-IP limit.
     * @param dialer     how Telegram is reached ({@code --socks5}), or null to dial it directly.
     * @throws IOException when binding fails.
     */
    public ReactorGroup(final ProxyConfig config, final ClientMode clientMode, final Upstream upstream,
        final Upstream cloak, final ClientGate gate, final Dialer dialer) throws IOException
    {
        connectionLimit = new ConnectionLimit(config.capacity().maxConnections());
        try
        {
            localAddress = listen(config);
            inherited = Listening.INHERITED == config.listening();
            for (int i = 0; i < config.workers(); i++)
            {
                reactors.add(new Reactor(i, config, listeners.get(i % listeners.size()), clientMode, upstream, cloak,
                    connectionLimit, gate, dialer));
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            closeListeners();
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

    /**
     * Get the listening sockets the configuration asks for (see {@link Listening}).
     *
     * @return the bound address, with the real port when port 0 was asked for.
     */
    private InetSocketAddress listen(final ProxyConfig config) throws IOException
    {
        switch (config.listening())
        {
            case INHERITED:
                final Channel inherited = System.inheritedChannel();
                if (!(inherited instanceof ServerSocketChannel))
                {
                    throw new IOException("no listening socket inherited on standard input (systemd's " +
                        "StandardInput=socket)");
                }
                final ServerSocketChannel listener = (ServerSocketChannel)inherited;
                listener.configureBlocking(false);
                listeners.add(listener);
                return (InetSocketAddress)listener.getLocalAddress();
            case REUSE_PORT:
                final ServerSocketChannel first = open(config.bind(), true);
                listeners.add(first);
                final InetSocketAddress bound = (InetSocketAddress)first.getLocalAddress();
                for (int i = 1; i < config.workers(); i++)
                {
                    listeners.add(open(bound, true));
                }
                warnIfQueuedConnectionsCannotMove();
                return bound;
            default:
                return bindListeners(config.bind(), config.workers());
        }
    }

    /**
     * Bind one listener per worker with {@code SO_REUSEPORT} where offered, else one. A plain socket is bound first
     * and let go, so an address already taken, by another proxy too, still fails here as "address in use" instead
     * of silently sharing its connections.
     *
     * @return the bound address, with the real port when port 0 was asked for.
     */
    private InetSocketAddress bindListeners(final InetSocketAddress bind, final int workers) throws IOException
    {
        final InetSocketAddress bound;
        final boolean perReactor;
        try (ServerSocketChannel probe = ServerSocketChannel.open())
        {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(bind, 1);
            bound = (InetSocketAddress)probe.getLocalAddress();
            perReactor = workers > 1 && probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        }
        for (int i = 0; i < (perReactor ? workers : 1); i++)
        {
            listeners.add(open(bound, perReactor));
        }
        return bound;
    }

    /**
     * With {@code --reuse-port}, a process that stops closes its sockets; Linux hands the connections queued on them
     * to the other sockets of the port only when {@code net.ipv4.tcp_migrate_req} is 1, else it resets them.
     */
    private static void warnIfQueuedConnectionsCannotMove()
    {
        final java.nio.file.Path setting = java.nio.file.Path.of(MIGRATE_REQ_SETTING);
        String value;
        try
        {
            value = java.nio.file.Files.readString(setting).trim();
        }
        catch (final IOException | RuntimeException ex)
        {
            value = null;
        }
        if (null == value)
        {
            LOG.log(System.Logger.Level.WARNING, "--reuse-port: this system cannot move the connections queued on " +
                "a stopping process to the one taking over (Linux 5.14 and net.ipv4.tcp_migrate_req=1 can); a " +
                "hand-over may reset the few queued at that moment");
        }
        else if ("0".equals(value))
        {
            LOG.log(System.Logger.Level.WARNING, "--reuse-port: net.ipv4.tcp_migrate_req is 0, so a hand-over " +
                "resets the connections still queued on the stopping process; set it to 1 (sysctl -w " +
                "net.ipv4.tcp_migrate_req=1) for hand-overs that refuse no one");
        }
    }

    private static ServerSocketChannel open(final InetSocketAddress address, final boolean reusePort)
        throws IOException
    {
        final ServerSocketChannel listener = ServerSocketChannel.open();
        try
        {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort)
            {
                listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            listener.bind(address, BACKLOG);
            listener.configureBlocking(false);
            return listener;
        }
        catch (final IOException | RuntimeException ex)
        {
            listener.close();
            throw ex;
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
                if (listeners.size() > 1)
                {
                    // its own listener: closed, so the kernel hands new connections to the other reactors' only
                    closeQuietly(listeners.get(reactor.index()));
                }
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
     * Close, on each reactor's thread, the relays of named users that may no longer connect (removed, expired, out of
     * quota); returns without waiting. A reactor whose command queue is full is asked again by the caller's next
     * sweep.
     *
     * @param revoked which accounts' clients to close.
     */
    public void closeClientsOf(final Predicate<ClientAccount> revoked)
    {
        for (final Reactor reactor : reactors)
        {
            reactor.offer(() -> reactor.closeClientsOf(revoked));
        }
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
     * the listening sockets are closed, so new connections are refused by the operating system, or go to the process
     * taking over. A reactor first accepts what is queued on a socket of its own, so a hand-over with
     * {@code --reuse-port} resets no one queued there; an inherited socket's queue is left to the next process.
     * Waits at most {@value #STOP_ACCEPTING_TIMEOUT_MS} ms for the reactors (a dead one never answers).
     */
    public void stopAccepting()
    {
        final CountDownLatch stopped = new CountDownLatch(reactors.size());
        final boolean ownListeners = listeners.size() == reactors.size() && !inherited;
        for (int i = 0; i < reactors.size(); i++)
        {
            final Reactor reactor = reactors.get(i);
            if (!threads.get(i).isAlive() || !reactor.offer(() ->
            {
                reactor.onStopAccepting(!inherited, ownListeners);
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
        closeListeners();
    }

    /**
     * Stop the reactors (each closes its sessions), wait for their threads, close the listeners.
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
        closeListeners();
    }

    private void closeListeners()
    {
        if (inherited)
        {
            // Left open: the JDK's inherited channel, once closed, points standard input, output and error at
            // /dev/null, which would silence the log. The reactors no longer accept on it, and the exit closes it.
            return;
        }
        for (final ServerSocketChannel listener : listeners)
        {
            closeQuietly(listener);
        }
    }

    private static void closeQuietly(final ServerSocketChannel listener)
    {
        try
        {
            listener.close();
        }
        catch (final IOException ignore)
        {
            // shutting down, or its reactor died
        }
    }
}
