package io.mtgj.net;

import org.agrona.collections.Int2ObjectHashMap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One reactor's middle-proxy connections, per (DC, IP family): a client joins a connection with room, or a new one
 * is opened; a connection whose last client leaves is closed (protocol.md 7.9). Each reactor keeps its own, so a
 * connection and all its clients live on one thread. Their buffers come from the reactor's arena like everyone's.
 */
final class MiddleMultiplexer
{
    private final Reactor reactor;
    private final MiddleDirectory directory;
    private final Int2ObjectHashMap<List<MiddleConnection>> byKey = new Int2ObjectHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    MiddleMultiplexer(final Reactor reactor, final MiddleDirectory directory)
    {
        this.reactor = reactor;
        this.directory = directory;
    }

    MiddleDirectory directory()
    {
        return directory;
    }

    /**
     * @return a connection for one more client, or null when no middle proxy is known for the DC or it cannot be
     *         dialed.
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
        final MiddleConnection connection = new MiddleConnection(reactor, this, directory, address, key);
        connections.add(connection);
        open.incrementAndGet();
        connection.start();
        return connection.isOpen() ? connection : null; // a failed start has already given everything back
    }

    void onClosed(final MiddleConnection connection)
    {
        final List<MiddleConnection> connections = byKey.get(connection.key());
        if (null != connections && connections.remove(connection))
        {
            open.decrementAndGet();
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
