package io.mtgj.config;

import java.util.concurrent.TimeUnit;

/**
 * How promoted-channel mode keeps its connections to Telegram's middle proxies: each reactor holds a pool per DC
 * cluster, opened to its floor at start, grown by the load and shrunk again when connections sit empty.
 *
 * @param multiplexPerConnection clients a connection takes before the pool opens another (a soft cap: with no
 *                               other connection to be had, clients still join a full one).
 * @param poolFloor              connections per DC cluster and reactor opened at start and kept open, replaced when
 *                               they break.
 * @param idleCloseMs            how long a connection above the floor stays open without clients.
 * @param pingIntervalMs         a connection silent this long is pinged; silent twice as long, it is dead.
 * @param heapBytesPerWorker     heap the promoted-channel clients of one reactor may hold for queued answers and
 *                               large packets (by default a quarter of the heap split between the reactors).
 */
public record MiddleProxySettings(int multiplexPerConnection, int poolFloor, long idleCloseMs, long pingIntervalMs,
    long heapBytesPerWorker)
{
    /** Default clients per middle-proxy connection before another is opened (perf/RESULTS.md, middle proxies). */
    public static final int DEFAULT_MULTIPLEX_PER_CONNECTION = 500;
    /** One connection per cluster and reactor: the first clients wait for no handshake. */
    public static final int DEFAULT_POOL_FLOOR = 1;
    public static final long DEFAULT_IDLE_CLOSE_MS = TimeUnit.MINUTES.toMillis(3);
    public static final long DEFAULT_PING_INTERVAL_MS = TimeUnit.SECONDS.toMillis(30);
    /** The pool floor's bound: a few connections per cluster are plenty. */
    public static final int MAX_POOL_FLOOR = 16;

    /**
     * @throws IllegalArgumentException naming the flag of a value out of range.
     */
    public MiddleProxySettings
    {
        if (multiplexPerConnection < 1 || multiplexPerConnection > 100_000)
        {
            throw new IllegalArgumentException("bad --multiplex-per-connection " + multiplexPerConnection +
                ": expected 1..100000");
        }
        if (poolFloor < 0 || poolFloor > MAX_POOL_FLOOR)
        {
            throw new IllegalArgumentException("bad middle-proxy pool floor " + poolFloor + ": expected 0.." +
                MAX_POOL_FLOOR);
        }
        if (idleCloseMs < 1 || pingIntervalMs < 1)
        {
            throw new IllegalArgumentException("middle-proxy idle close and ping interval must be positive");
        }
        if (heapBytesPerWorker < 0)
        {
            throw new IllegalArgumentException("middle-proxy heap allowance " + heapBytesPerWorker + " < 0");
        }
    }
}
