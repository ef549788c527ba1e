package io.mtgj.config;

import io.mtgj.transport.PacketFraming;

/**
 * How much off-heap memory the relay buffers can take, and so how many client connections a JVM can hold.
 * <p>
 * <b>Why it is bounded by construction.</b> A client connection leases at most one buffer of each pool, one
 * {@code --read-buffer} (Telegram to client) and one {@code --write-buffer} (client to Telegram), and only while it
 * holds data. {@code --max-connections} caps the connections open at once, counted across all reactors when they are
 * accepted, so at most {@code N} buffers of each size are leased. Each reactor's pools also keep at most
 * {@link #idleBuffersPerPool(int, int)} free buffers for reuse and drop the rest, which together is at most a quarter
 * of {@code N} (or one per reactor when {@code N} is tiny). A buffer takes its capacity plus
 * {@link #BUFFER_ALIGNMENT_BYTES} (it is cache-line aligned by over-allocating). Hence:
 * <pre>
 *   per connection P = read-buffer + write-buffer + 2 x 64
 *   idle per pool  I = max(1, min(256, N / (4 x workers)))
 *   bound          B = (N + workers x I) x P                   &lt;= 1.25 x N x P when N &gt;= 4 x workers
 * </pre>
 * Dropped buffers are garbage until collected, and the JDK collects before it ever refuses direct memory, so what
 * stays reachable, {@code B}, is what must fit.
 * <p>
 * <b>Promoted-channel mode</b> adds the middle-proxy connections: each holds two buffers of
 * {@link #MIDDLE_BUFFER_BYTES} (a whole frame in each direction), taken when it opens and dropped when it closes, none
 * kept for reuse. Their number is capped across the reactors at
 * <pre>
 *   M = ceil(N / multiplex) + 2 x workers        (every client in a full connection, two partly filled per reactor)
 *   B' = B + M x 2 x (MIDDLE_BUFFER_BYTES + 64)
 * </pre>
 * and a client that would need connection {@code M + 1} joins the emptiest one its reactor has for its DC, beyond
 * {@code multiplex}, or is closed when there is none.
 * <p>
 * <b>The default.</b> The JVM's direct-memory limit ({@code -XX:MaxDirectMemorySize}, which defaults to the maximum
 * heap) less one eighth, kept for the JDK's own temporary direct buffers, is the budget; the default
 * {@code --max-connections} is the largest {@code N} whose bound {@code B} (or {@code B'}) fits in it: about
 * {@code 7/8 x limit / (1.25 x P)}, or {@code 7/8 x limit / P - 256 x workers} for large limits. With the image's
 * profile (32 MiB) and 32 KiB buffers on 2 reactors that is 359 connections, and 150 with an ad tag (and 7
 * middle-proxy connections).
 * A {@code --max-connections} whose bound does not fit is refused at start.
 */
public final class DirectMemoryBudget
{
    /** Bytes a pooled buffer takes beyond its capacity: it is over-allocated by one cache line to be aligned. */
    public static final int BUFFER_ALIGNMENT_BYTES = 64;
    /** The most free buffers one pool of one reactor keeps for reuse. */
    public static final int MAX_IDLE_BUFFERS_PER_POOL = 256;
    /** The largest accepted {@code --max-connections}. */
    public static final int MAX_CONNECTIONS = 1 << 20;
    /**
     * A middle-proxy connection's buffer, one each way: the largest packet with its RPC headers and padding, plus
     * room for the next read.
     */
    public static final int MIDDLE_BUFFER_BYTES = PacketFraming.MAX_PACKET_LENGTH + (64 << 10);
    /** Partly filled middle-proxy connections allowed per reactor beyond the full ones. */
    public static final int PARTIAL_MIDDLE_CONNECTIONS_PER_WORKER = 2;

    private static final int IDLE_DIVISOR = 4;
    private static final int RESERVE_DIVISOR = 8;

    private DirectMemoryBudget()
    {
    }

    /**
     * @param readBufferBytes  Telegram to client buffer size.
     * @param writeBufferBytes client to Telegram buffer size.
     * @return direct bytes one client connection can hold at most.
     */
    public static long perConnectionBytes(final int readBufferBytes, final int writeBufferBytes)
    {
        return (long)readBufferBytes + writeBufferBytes + 2L * BUFFER_ALIGNMENT_BYTES;
    }

    /**
     * @param maxConnections the connection limit.
     * @param workers        reactor threads.
     * @return the most free buffers each pool of each reactor keeps for reuse.
     */
    public static int idleBuffersPerPool(final int maxConnections, final int workers)
    {
        return Math.max(1, Math.min(MAX_IDLE_BUFFERS_PER_POOL, maxConnections / (IDLE_DIVISOR * workers)));
    }

    /**
     * @param maxConnections   the connection limit.
     * @param workers          reactor threads.
     * @param readBufferBytes  Telegram to client buffer size.
     * @param writeBufferBytes client to Telegram buffer size.
     * @return the most direct memory the relay buffers can hold at once.
     */
    public static long boundBytes(
        final int maxConnections, final int workers, final int readBufferBytes, final int writeBufferBytes)
    {
        return boundBytes(maxConnections, workers, readBufferBytes, writeBufferBytes, 0);
    }

    /**
     * @param maxConnections   the connection limit.
     * @param workers          reactor threads.
     * @param readBufferBytes  Telegram to client buffer size.
     * @param writeBufferBytes client to Telegram buffer size.
     * @param multiplex        clients per middle-proxy connection in promoted-channel mode, 0 in direct mode.
     * @return the most direct memory the relay buffers and the middle-proxy connections can hold at once.
     */
    public static long boundBytes(final int maxConnections, final int workers, final int readBufferBytes,
        final int writeBufferBytes, final int multiplex)
    {
        final long buffersPerPool = maxConnections + (long)workers * idleBuffersPerPool(maxConnections, workers);
        final long middle = 0 == multiplex ? 0 :
            (long)maxMiddleConnections(maxConnections, workers, multiplex) * perMiddleConnectionBytes();
        return buffersPerPool * perConnectionBytes(readBufferBytes, writeBufferBytes) + middle;
    }

    /**
     * @param maxConnections the connection limit.
     * @param workers        reactor threads.
     * @param multiplex      clients per middle-proxy connection.
     * @return the most middle-proxy connections open at once, across the reactors.
     */
    public static int maxMiddleConnections(final int maxConnections, final int workers, final int multiplex)
    {
        final long full = ((long)maxConnections + multiplex - 1) / multiplex;
        return (int)Math.min(Integer.MAX_VALUE, full + (long)PARTIAL_MIDDLE_CONNECTIONS_PER_WORKER * workers);
    }

    /**
     * @return direct bytes one middle-proxy connection holds.
     */
    public static long perMiddleConnectionBytes()
    {
        return 2L * (MIDDLE_BUFFER_BYTES + BUFFER_ALIGNMENT_BYTES);
    }

    /**
     * @param maxDirectBytes the JVM's direct-memory limit.
     * @return the part of it the relay buffers may use: all but one eighth.
     */
    public static long budgetBytes(final long maxDirectBytes)
    {
        return maxDirectBytes - maxDirectBytes / RESERVE_DIVISOR;
    }

    /**
     * @param maxDirectBytes   the JVM's direct-memory limit.
     * @param workers          reactor threads.
     * @param readBufferBytes  Telegram to client buffer size.
     * @param writeBufferBytes client to Telegram buffer size.
     * @return the largest connection limit whose bound fits the budget, at least 1 and at most
     *         {@link #MAX_CONNECTIONS}.
     */
    public static int defaultMaxConnections(
        final long maxDirectBytes, final int workers, final int readBufferBytes, final int writeBufferBytes)
    {
        return defaultMaxConnections(maxDirectBytes, workers, readBufferBytes, writeBufferBytes, 0);
    }

    /**
     * @param maxDirectBytes   the JVM's direct-memory limit.
     * @param workers          reactor threads.
     * @param readBufferBytes  Telegram to client buffer size.
     * @param writeBufferBytes client to Telegram buffer size.
     * @param multiplex        clients per middle-proxy connection in promoted-channel mode, 0 in direct mode.
     * @return the largest connection limit whose bound fits the budget, at least 1 and at most
     *         {@link #MAX_CONNECTIONS}.
     */
    public static int defaultMaxConnections(final long maxDirectBytes, final int workers, final int readBufferBytes,
        final int writeBufferBytes, final int multiplex)
    {
        final long budget = budgetBytes(maxDirectBytes);
        // the bound grows with N: binary search for the largest N that fits (1 when none does)
        int low = 1;
        int high = MAX_CONNECTIONS;
        while (low < high)
        {
            final int mid = (int)(((long)low + high + 1) >>> 1);
            if (boundBytes(mid, workers, readBufferBytes, writeBufferBytes, multiplex) <= budget)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return low;
    }

    /**
     * The JVM's direct-memory limit: {@code -XX:MaxDirectMemorySize}, or the maximum heap when it is not set. Read
     * from {@code jdk.internal.misc.VM}, which the proxy's launchers export for Agrona anyway; without the export,
     * the maximum heap, which is what the JVM uses when the option is not given.
     *
     * @return bytes of direct memory this JVM allows.
     */
    public static long maxDirectMemoryBytes()
    {
        try
        {
            final Object bytes = Class.forName("jdk.internal.misc.VM").getMethod("maxDirectMemory").invoke(null);
            return (Long)bytes;
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            return Runtime.getRuntime().maxMemory();
        }
    }
}
