package io.mtgj.diagnose;

import io.mtgj.config.Capacity;
import io.mtgj.config.ProxyConfig;

import java.util.List;

/**
 * The open-file limit against {@code --max-connections} ({@link Capacity}): every client holds one or two open
 * files, so the limit caps the clients the proxy can hold. FAIL when a given {@code --max-connections} does not fit
 * (the proxy would refuse to start); WARN when the limit leaves room for fewer than
 * {@link Capacity#FALLBACK_MAX_CONNECTIONS} clients, or cannot be read. Only the file limit is judged here: the
 * heap's share of the bound depends on the proxy's own JVM options, which {@code mtg run} reports at start.
 */
public final class OpenFilesCheck implements Check
{
    private static final String NAME = "open files";
    /** Heap large enough never to be the bound: this check is about files. */
    private static final long UNBOUNDED_HEAP_BYTES = Long.MAX_VALUE / 4;

    private final long openFileLimit;
    private final int maxConnections;
    private final int workers;
    private final boolean middleProxies;
    private final boolean cloaks;

    /**
     * @param openFileLimit  the soft limit ({@link Capacity#readOpenFileLimit()}), or {@link Capacity#UNKNOWN_LIMIT}.
     * @param maxConnections {@code --max-connections}, or 0 for the derived default.
     * @param workers        reactor threads the proxy will run.
     * @param middleProxies  whether an ad tag is given.
     * @param cloaks         whether the secret is FakeTLS (cloaked connections hold two files).
     */
    public OpenFilesCheck(final long openFileLimit, final int maxConnections, final int workers,
        final boolean middleProxies, final boolean cloaks)
    {
        this.openFileLimit = openFileLimit;
        this.maxConnections = maxConnections;
        this.workers = workers;
        this.middleProxies = middleProxies;
        this.cloaks = cloaks;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public List<Finding> run()
    {
        final String limit = "open-file limit " + (Capacity.UNKNOWN_LIMIT == openFileLimit ? "unknown" :
            Long.MAX_VALUE == openFileLimit ? "unlimited" : Long.toString(openFileLimit));
        final Capacity capacity;
        try
        {
            capacity = new Capacity(Capacity.DEFAULT_BUFFER_BYTES, Capacity.DEFAULT_BUFFER_BYTES, 0, maxConnections,
                Capacity.DEFAULT_STALL_TIMEOUT_MS, UNBOUNDED_HEAP_BYTES, openFileLimit, workers, middleProxies,
                cloaks, io.mtgj.config.MiddleProxySettings.DEFAULT_MULTIPLEX_PER_CONNECTION, UNBOUNDED_HEAP_BYTES,
                ProxyConfig.DEFAULT_ANTI_REPLAY_MAX_BYTES);
        }
        catch (final IllegalArgumentException ex)
        {
            return List.of(Finding.fail(NAME, limit + ": " + ex.getMessage(), "the proxy refuses to start so: " +
                "raise the limit (systemd LimitNOFILE=, ulimit -n) or lower --max-connections"));
        }
        if (Capacity.UNKNOWN_LIMIT == openFileLimit)
        {
            return List.of(Finding.warn(NAME, limit + " (no " + Capacity.LIMITS_FILE + "), max connections " +
                capacity.maxConnections() + " (" + capacity.maxConnectionsReason() + ")",
                "check ulimit -n yourself and pass --max-connections"));
        }
        final String found = "max connections " + capacity.maxConnections() + " from " +
            capacity.maxConnectionsReason() + (0 == maxConnections ? "" : ", " + limit) + "; " +
            Capacity.reservedDescriptors(workers, middleProxies) + " files kept for the proxy";
        if (0 == maxConnections && capacity.maxConnections() < Capacity.FALLBACK_MAX_CONNECTIONS)
        {
            return List.of(Finding.warn(NAME, found, "low: clients past it are refused; raise the limit " +
                "(systemd LimitNOFILE=65536, or ulimit -n 65536 before mtg run)"));
        }
        return List.of(Finding.ok(NAME, found));
    }
}
