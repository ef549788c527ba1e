package io.mtgj.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How much the proxy may hold at once, validated once: the relay buffer sizes, the off-heap buffer arena that every
 * connection leases them from, the connection limit and the stall timeout.
 * <p>
 * <b>Memory</b> is one budget, {@code --buffer-memory}, shared by everyone and split evenly between the reactors: a
 * connection leases a buffer only while it has bytes in flight in a direction, and when the budget is spent readers
 * wait for one (backpressure) instead of being refused. Its default is the JVM's direct-memory limit
 * ({@code -XX:MaxDirectMemorySize}, which defaults to the maximum heap) less one eighth, kept for the JDK's own
 * temporary direct buffers; a larger budget is refused, so the JVM never runs out of direct memory.
 * <p>
 * <b>Connections</b> are bounded by file descriptors, not memory: a direct-mode client holds two (its socket and
 * Telegram's), and in promoted-channel mode one plus a share of a middle-proxy connection. The default
 * {@code --max-connections} is what the open-file limit ({@code ulimit -n}) leaves after {@link #reservedDescriptors}
 * for the proxy itself; an explicit one above that is refused, since the clients past it could not be served. The
 * JVM raises its soft limit to the hard one at start unless told not to ({@code -XX:-MaxFDLimit}, as the launcher's
 * profile does so that its own choice holds), so the hard limit can be in the hundreds of thousands: the default is
 * then also held to what the heap can carry, {@link #HEAP_BYTES_PER_CONNECTION} each beside the anti-replay cache
 * (and, with an ad tag, the quarter of the heap that queued answers may use), since a full heap ends the process.
 */
public final class Capacity
{
    /** Default for both relay buffers: at most this much in flight per connection and direction. */
    public static final int DEFAULT_BUFFER_BYTES = 32 * 1024;
    /** Smallest relay buffer we accept: below this the syscall count per byte explodes. */
    public static final int MIN_BUFFER_BYTES = 1024;
    /** Largest relay buffer we accept. */
    public static final int MAX_BUFFER_BYTES = 16 * 1024 * 1024;
    /** The largest accepted {@code --max-connections}. */
    public static final int MAX_CONNECTIONS = 1 << 20;
    /** The limit when the open-file limit cannot be read (not Linux): mtg 2.x's default concurrency. */
    public static final int FALLBACK_MAX_CONNECTIONS = 8192;
    /** Heap one open connection takes at most, idle: its session, sockets, selection keys, ciphers and timers. */
    public static final int HEAP_BYTES_PER_CONNECTION = 4096;
    /** Heap kept for everything else: start-up, handshakes in progress, the control thread, metrics. */
    public static final long HEAP_BASE_BYTES = 8L << 20;
    /** Default time a relay may wait for its peer to accept a byte before it is closed. */
    public static final long DEFAULT_STALL_TIMEOUT_MS = 60_000;
    /** What the open-file limit is read from. */
    public static final Path LIMITS_FILE = Path.of("/proc/self/limits");
    /** An open-file limit that could not be read. */
    public static final long UNKNOWN_LIMIT = -1;

    private static final int RESERVE_DIVISOR = 8;
    /** Buffers of each size every reactor must be able to hold, or the budget is too small to relay at all. */
    private static final int MIN_BUFFERS_PER_WORKER = 4;
    /** Descriptors kept for the proxy itself: listener, standard streams, jars, stats, DNS, config fetches. */
    private static final int RESERVED_DESCRIPTORS = 64;
    /** Per reactor: its selector's descriptors and a margin. */
    private static final int RESERVED_DESCRIPTORS_PER_WORKER = 4;
    /**
     * Per reactor with an ad tag: the middle-proxy pools' floors, a connection per DC cluster (Telegram lists about a
     * dozen) in each family, kept whatever the load.
     */
    private static final int MIDDLE_POOL_DESCRIPTORS_PER_WORKER = 24;

    private final int readBufferBytes;
    private final int writeBufferBytes;
    private final long maxDirectMemoryBytes;
    private final long bufferMemoryBytes;
    private final boolean bufferMemoryGiven;
    private final long openFileLimit;
    private final int maxConnections;
    private final boolean maxConnectionsGiven;
    private final int descriptorsPerClient;
    private final long stallTimeoutMs;
    private final long heapForConnections;
    private boolean heapBound;

    /**
     * @param readBufferBytes      {@code --read-buffer}, Telegram to client.
     * @param writeBufferBytes     {@code --write-buffer}, client to Telegram.
     * @param bufferMemoryBytes    {@code --buffer-memory}, or 0 for the default.
     * @param maxConnections       {@code --max-connections}, or 0 for the default.
     * @param stallTimeoutMs       {@code --stall-timeout}.
     * @param maxDirectMemoryBytes the JVM's direct-memory limit ({@link #maxDirectMemoryBytes()}).
     * @param openFileLimit        the soft open-file limit ({@link #readOpenFileLimit()}), or {@link #UNKNOWN_LIMIT}.
     * @param workers              reactor threads.
     * @param middleProxies        whether clients go through Telegram's middle proxies (an ad tag).
     * @param cloaks               whether clients may be fronted to a cloak host (two descriptors each even then).
     * @param multiplex            clients per middle-proxy connection.
     * @param maxHeapBytes         the JVM's maximum heap.
     * @param antiReplayBytes      the anti-replay cache's bound, which lives on the heap.
     * @throws IllegalArgumentException naming the flag whose value does not fit.
     */
    public Capacity(
        final long readBufferBytes,
        final long writeBufferBytes,
        final long bufferMemoryBytes,
        final int maxConnections,
        final long stallTimeoutMs,
        final long maxDirectMemoryBytes,
        final long openFileLimit,
        final int workers,
        final boolean middleProxies,
        final boolean cloaks,
        final int multiplex,
        final long maxHeapBytes,
        final long antiReplayBytes)
    {
        this.readBufferBytes = checkBuffer("--read-buffer", readBufferBytes);
        this.writeBufferBytes = checkBuffer("--write-buffer", writeBufferBytes);
        if (stallTimeoutMs <= 0)
        {
            throw new IllegalArgumentException("bad --stall-timeout " + stallTimeoutMs + "ms: expected more than 0");
        }
        this.stallTimeoutMs = stallTimeoutMs;
        this.maxDirectMemoryBytes = maxDirectMemoryBytes;
        this.bufferMemoryGiven = bufferMemoryBytes > 0;
        this.bufferMemoryBytes = checkBufferMemory(bufferMemoryBytes, workers);
        this.openFileLimit = openFileLimit;
        this.descriptorsPerClient = middleProxies && !cloaks ? 1 : 2;
        this.maxConnectionsGiven = maxConnections > 0;
        final long heapForSessions = middleProxies ? maxHeapBytes - maxHeapBytes / 4 : maxHeapBytes;
        // A cache bound above half the heap is warned about at start; it fills only as handshakes come, so count
        // it as half the heap at most rather than leave no room for connections.
        final long antiReplay = Math.min(antiReplayBytes, maxHeapBytes / 2);
        this.heapForConnections = Math.max(0, heapForSessions - antiReplay - HEAP_BASE_BYTES);
        this.maxConnections = checkMaxConnections(maxConnections, workers, middleProxies ? multiplex : 0);
    }

    private long checkBufferMemory(final long given, final int workers)
    {
        if (given < 0)
        {
            throw new IllegalArgumentException("bad --buffer-memory " + given + ": expected a size");
        }
        final long allowed = maxDirectMemoryBytes - maxDirectMemoryBytes / RESERVE_DIVISOR;
        final long bytes = given > 0 ? given : allowed;
        final long least = (long)workers * MIN_BUFFERS_PER_WORKER * (readBufferBytes + writeBufferBytes);
        if (bytes > allowed)
        {
            throw new IllegalArgumentException("bad --buffer-memory " + ByteSize.format(bytes) + ": this JVM allows " +
                ByteSize.format(maxDirectMemoryBytes) + " of direct memory (-XX:MaxDirectMemorySize) and keeps an " +
                "eighth of it for the JDK, so at most " + ByteSize.format(allowed) + ": lower it or raise " +
                "-XX:MaxDirectMemorySize (MTG_JAVA_OPTS)");
        }
        if (bytes < least)
        {
            throw new IllegalArgumentException((given > 0 ? "bad --buffer-memory " : "the default --buffer-memory ") +
                ByteSize.format(bytes) + ": " + workers + " workers need at least " + ByteSize.format(least) + " for " +
                MIN_BUFFERS_PER_WORKER + " buffers of each size (--read-buffer " + ByteSize.format(readBufferBytes) +
                ", --write-buffer " + ByteSize.format(writeBufferBytes) + ") each: raise it" +
                (given > 0 ? "" : " (MTG_JAVA_OPTS=-XX:MaxDirectMemorySize=...)") + ", use smaller buffers or fewer " +
                "--workers");
        }
        return bytes;
    }

    private int checkMaxConnections(final int given, final int workers, final int multiplex)
    {
        if (given < 0 || given > MAX_CONNECTIONS)
        {
            throw new IllegalArgumentException("bad --max-connections " + given + ": expected 1.." + MAX_CONNECTIONS);
        }
        final int reserved = reservedDescriptors(workers, 0 != multiplex);
        final long usable = UNKNOWN_LIMIT == openFileLimit ? UNKNOWN_LIMIT : openFileLimit - reserved;
        if (given > 0)
        {
            if (UNKNOWN_LIMIT != usable && descriptorsFor(given, multiplex) > usable)
            {
                throw new IllegalArgumentException("bad --max-connections " + given + ": that many clients need up " +
                    "to " + (descriptorsFor(given, multiplex) + reserved) + " open files (" +
                    descriptorsPerClient + " per client and " + reserved + " for the proxy) but " +
                    "the open-file limit is " + openFileLimit + " (ulimit -n): raise it (bin/mtg raises it towards " +
                    "65536 within the hard limit; systemd: LimitNOFILE=) or lower --max-connections");
            }
            return given;
        }
        final long heapAllows = Math.max(1, heapForConnections / HEAP_BYTES_PER_CONNECTION);
        if (UNKNOWN_LIMIT == usable)
        {
            heapBound = heapAllows < FALLBACK_MAX_CONNECTIONS;
            return (int)Math.min(FALLBACK_MAX_CONNECTIONS, heapAllows);
        }
        if (usable < 1 + descriptorsPerClient)
        {
            throw new IllegalArgumentException("the open-file limit " + openFileLimit + " (ulimit -n) leaves no room " +
                "for clients: the proxy keeps " + reserved + " for itself; raise it");
        }
        // clients x descriptors each, plus one middle-proxy connection per `multiplex` clients
        final long perThousand = 1000L * descriptorsPerClient + (0 == multiplex ? 0 : (1000L + multiplex - 1) / multiplex);
        final long filesAllow = Math.max(1, Math.min(usable, 4L * MAX_CONNECTIONS) * 1000 / perThousand);
        heapBound = heapAllows < filesAllow;
        return (int)Math.min(MAX_CONNECTIONS, Math.min(filesAllow, heapAllows));
    }

    private long descriptorsFor(final int clients, final int multiplex)
    {
        return (long)clients * descriptorsPerClient + (0 == multiplex ? 0 : ((long)clients + multiplex - 1) / multiplex);
    }

    /**
     * @param workers reactor threads.
     * @return descriptors kept for the proxy itself when the connection limit is derived from the open-file limit.
     */
    public static int reservedDescriptors(final int workers)
    {
        return reservedDescriptors(workers, false);
    }

    /**
     * @param workers       reactor threads.
     * @param middleProxies whether clients go through Telegram's middle proxies, whose pools keep a floor open.
     * @return descriptors kept for the proxy itself when the connection limit is derived from the open-file limit.
     */
    public static int reservedDescriptors(final int workers, final boolean middleProxies)
    {
        return RESERVED_DESCRIPTORS + (RESERVED_DESCRIPTORS_PER_WORKER +
            (middleProxies ? MIDDLE_POOL_DESCRIPTORS_PER_WORKER : 0)) * workers;
    }

    private static int checkBuffer(final String name, final long bytes)
    {
        if (bytes < MIN_BUFFER_BYTES || bytes > MAX_BUFFER_BYTES)
        {
            throw new IllegalArgumentException("bad " + name + " " + ByteSize.format(bytes) + ": expected " +
                ByteSize.format(MIN_BUFFER_BYTES) + " to " + ByteSize.format(MAX_BUFFER_BYTES));
        }
        return (int)bytes;
    }

    /**
     * @return Telegram to client buffer size: the most one connection has in flight that way.
     */
    public int readBufferBytes()
    {
        return readBufferBytes;
    }

    /**
     * @return client to Telegram buffer size: the most one connection has in flight that way.
     */
    public int writeBufferBytes()
    {
        return writeBufferBytes;
    }

    /**
     * @return the off-heap bytes every buffer of the proxy comes from, across the reactors.
     */
    public long bufferMemoryBytes()
    {
        return bufferMemoryBytes;
    }

    /**
     * @return the JVM's direct-memory limit this was checked against.
     */
    public long maxDirectMemoryBytesLimit()
    {
        return maxDirectMemoryBytes;
    }

    /**
     * @return the soft open-file limit the connection limit was derived from or checked against, or
     *         {@link #UNKNOWN_LIMIT}.
     */
    public long openFileLimit()
    {
        return openFileLimit;
    }

    /**
     * @return client connections allowed at once.
     */
    public int maxConnections()
    {
        return maxConnections;
    }

    /**
     * @return a relay whose peer accepts no byte for this long is closed.
     */
    public long stallTimeoutMs()
    {
        return stallTimeoutMs;
    }

    /**
     * @return for the start-up line: where {@link #maxConnections()} comes from.
     */
    public String maxConnectionsReason()
    {
        if (maxConnectionsGiven)
        {
            return "--max-connections";
        }
        final String heap = "heap: " + ByteSize.format(heapForConnections) + " for connections at " +
            ByteSize.format(HEAP_BYTES_PER_CONNECTION) + " each";
        if (UNKNOWN_LIMIT == openFileLimit)
        {
            return heapBound ? heap : "open-file limit unknown, mtg's default";
        }
        final String files = "open-file limit " + (Long.MAX_VALUE == openFileLimit ? "unlimited" : openFileLimit) +
            ", " + descriptorsPerClient + " per client";
        return heapBound ? heap + " (" + files + ")" : files;
    }

    /**
     * @return for the start-up line: where {@link #bufferMemoryBytes()} comes from.
     */
    public String bufferMemoryReason()
    {
        return bufferMemoryGiven ? "--buffer-memory" :
            "7/8 of max direct memory " + ByteSize.format(maxDirectMemoryBytes);
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

    /**
     * @return this process's soft limit on open files ({@code ulimit -n}), {@link Long#MAX_VALUE} when unlimited, or
     *         {@link #UNKNOWN_LIMIT} when it cannot be read (no {@code /proc}).
     */
    public static long readOpenFileLimit()
    {
        try
        {
            return parseOpenFileLimit(Files.readAllLines(LIMITS_FILE, StandardCharsets.US_ASCII));
        }
        catch (final IOException | RuntimeException ex)
        {
            return UNKNOWN_LIMIT;
        }
    }

    /**
     * @param limits the lines of {@code /proc/self/limits}.
     * @return the soft limit of its "Max open files" line, {@link Long#MAX_VALUE} for "unlimited", or
     *         {@link #UNKNOWN_LIMIT} when there is none.
     */
    static long parseOpenFileLimit(final List<String> limits)
    {
        for (final String line : limits)
        {
            if (line.startsWith("Max open files"))
            {
                final String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                if (fields.length > 0)
                {
                    if ("unlimited".equals(fields[0]))
                    {
                        return Long.MAX_VALUE;
                    }
                    try
                    {
                        return Long.parseLong(fields[0]);
                    }
                    catch (final NumberFormatException ex)
                    {
                        return UNKNOWN_LIMIT;
                    }
                }
            }
        }
        return UNKNOWN_LIMIT;
    }
}
