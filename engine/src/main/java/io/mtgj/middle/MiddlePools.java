package io.mtgj.middle;

import io.mtgj.config.MiddleProxySettings;
import io.mtgj.net.HandshakeResult;
import io.mtgj.net.LinkedClient;
import io.mtgj.net.ReactorServices;
import io.mtgj.net.SharedLinks;
import io.mtgj.net.UpstreamLink;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One reactor's middle-proxy connections: a {@link MiddlePool} per DC cluster and IP family, each opened to its
 * floor when the reactor starts, and what their clients share on this thread (scratch arrays, a heap allowance for
 * queued answers and large packets). Reactor thread only, except {@link #connectionCount()}.
 */
final class MiddlePools implements SharedLinks
{
    private final MiddleProxies proxies;
    private final ReactorServices reactor;
    private final MiddleProxySettings settings;
    private final Int2ObjectHashMap<MiddlePool> pools = new Int2ObjectHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final long heapLimit;
    private long heapHeld;
    private final byte[][] scratch = new byte[3][];
    private final byte[] packetHeader = new byte[4];
    private final UnsafeBuffer packetHeaderView = new UnsafeBuffer(packetHeader);

    MiddlePools(final MiddleProxies proxies, final ReactorServices reactor)
    {
        this.proxies = proxies;
        this.reactor = reactor;
        this.settings = proxies.settings();
        this.heapLimit = settings.heapBytesPerWorker();
    }

    @Override
    public void start()
    {
        // The family IPv4 clients use (IPv6 with --prefer-ip only-ipv6); IPv6 pools open with their first client.
        final boolean ipv6 = proxies.useIpv6(false);
        for (final int cluster : proxies.clusters(ipv6))
        {
            pool(cluster * 2 + (ipv6 ? 1 : 0)).fill();
        }
    }

    @Override
    public UpstreamLink join(final LinkedClient client, final HandshakeResult handshake, final InetSocketAddress remote,
        final InetSocketAddress local)
    {
        final boolean ipv6 = proxies.useIpv6(!(remote.getAddress() instanceof Inet4Address));
        final MiddleConnection connection = pool(proxies.poolKey(handshake.dcIndex(), ipv6)).connectionFor();
        return null == connection ? null :
            new MiddleClient(this, client, connection, handshake.tag(), remote, local, proxies.adTag());
    }

    private MiddlePool pool(final int key)
    {
        MiddlePool pool = pools.get(key);
        if (null == pool)
        {
            pool = new MiddlePool(this, key);
            pools.put(key, pool);
        }
        return pool;
    }

    @Override
    public int connectionCount()
    {
        return open.get();
    }

    void onOpened()
    {
        open.incrementAndGet();
    }

    void onClosed()
    {
        open.decrementAndGet();
    }

    @Override
    public void closeAll()
    {
        for (final MiddlePool pool : pools.values())
        {
            pool.closeAll(); // closes connections only: the pools stay in the map
        }
    }

    MiddleProxies proxies()
    {
        return proxies;
    }

    ReactorServices reactor()
    {
        return reactor;
    }

    MiddleProxySettings settings()
    {
        return settings;
    }

    /**
     * Take heap bytes for a client's queued answers or gathered packet ({@link MiddleClient}).
     *
     * @return false, taking nothing, when this reactor's clients would hold more than their allowance.
     */
    boolean takeHeap(final long bytes)
    {
        if (heapHeld + bytes > heapLimit)
        {
            return false;
        }
        heapHeld += bytes;
        return true;
    }

    void giveHeap(final long bytes)
    {
        heapHeld -= bytes;
    }

    /**
     * @param length bytes needed.
     * @param index  which of the three scratch arrays (distinct arrays for the JCE).
     * @return a heap array of at least {@code length} bytes, reused.
     */
    byte[] scratch(final int length, final int index)
    {
        byte[] array = scratch[index];
        if (null == array || array.length < length)
        {
            array = new byte[Math.max(length, 64 * 1024)];
            scratch[index] = array;
        }
        return array;
    }

    /**
     * @return a 4-byte array for a transport packet's header, reused.
     */
    byte[] packetHeader()
    {
        return packetHeader;
    }

    /**
     * @return {@link #packetHeader()} seen as a buffer, to hand its bytes on.
     */
    UnsafeBuffer packetHeaderView()
    {
        return packetHeaderView;
    }
}
