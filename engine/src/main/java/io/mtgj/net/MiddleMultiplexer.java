package io.mtgj.net;

import org.agrona.collections.Int2ObjectHashMap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One reactor's middle-proxy connections, per (DC, IP family): a client joins a connection with room, or a new one
 * is opened; a connection whose last client leaves is closed (protocol.md 7.9). Each reactor keeps its own, so a
 * connection and all its clients live on one thread. Opening one takes a permit shared by every reactor, whose
 * number bounds the connections' direct buffers ({@link io.mtgj.config.DirectMemoryBudget}); without a permit a
 * client joins the emptiest connection to its DC beyond the multiplexing target, or finds none.
 */
final class MiddleMultiplexer
{
    private final Reactor reactor;
    private final MiddleDirectory directory;
    private final Int2ObjectHashMap<List<MiddleConnection>> byKey = new Int2ObjectHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final ConnectionLimit permits;

    /**
     * @param permits middle-proxy connections allowed across the reactors, or null for no limit (tests).
     */
    MiddleMultiplexer(final Reactor reactor, final MiddleDirectory directory, final ConnectionLimit permits)
    {
        this.reactor = reactor;
        this.directory = directory;
        this.permits = permits;
    }

    MiddleDirectory directory()
    {
        return directory;
    }

    /**
     * @return a connection for one more client, or null when no middle proxy is known for the DC, or when every
     *         permit is taken and this reactor has no connection to the DC ({@link #isAtLimit()}).
     */
    MiddleConnection connectionFor(final short dcIndex, final boolean ipv6) throws IOException
    {
        final int key = dcIndex * 2 + (ipv6 ? 1 : 0);
        List<MiddleConnection> connections = byKey.get(key);
        if (null == connections)
        {
            connections = new ArrayList<>(2);
            byKey.put(key, connections);
        }
        for (int i = 0; i < connections.size(); i++)
        {
            if (connections.get(i).hasRoomForClient())
            {
                return connections.get(i);
            }
        }
        final InetSocketAddress address = directory.pick(dcIndex, ipv6);
        if (null == address)
        {
            return null;
        }
        if (null != permits && !permits.tryAcquire())
        {
            return emptiest(connections);
        }
        final MiddleConnection connection;
        try
        {
            connection = new MiddleConnection(reactor, this, directory, address, key);
        }
        catch (final IOException | RuntimeException ex)
        {
            releasePermit();
            throw ex;
        }
        connections.add(connection);
        open.incrementAndGet();
        connection.start();
        return connection.isOpen() ? connection : null; // a failed start has already given everything back
    }

    private static MiddleConnection emptiest(final List<MiddleConnection> connections)
    {
        MiddleConnection emptiest = null;
        for (int i = 0; i < connections.size(); i++)
        {
            final MiddleConnection candidate = connections.get(i);
            if (candidate.isOpen() && (null == emptiest || candidate.clientCount() < emptiest.clientCount()))
            {
                emptiest = candidate;
            }
        }
        return emptiest;
    }

    /**
     * @return whether every middle-proxy connection permit is taken, across the reactors.
     */
    boolean isAtLimit()
    {
        return null != permits && permits.open() >= permits.max();
    }

    void onClosed(final MiddleConnection connection)
    {
        final List<MiddleConnection> connections = byKey.get(connection.key());
        if (null != connections && connections.remove(connection))
        {
            open.decrementAndGet();
            releasePermit();
        }
    }

    private void releasePermit()
    {
        if (null != permits)
        {
            permits.release();
        }
    }

    /**
     * @return open middle-proxy connections; safe to read from any thread.
     */
    int connectionCount()
    {
        return open.get();
    }

    void closeAll()
    {
        final List<MiddleConnection> all = new ArrayList<>();
        for (final List<MiddleConnection> connections : byKey.values())
        {
            all.addAll(connections);
        }
        for (final MiddleConnection connection : all)
        {
            connection.close("shutting down");
        }
    }
}
