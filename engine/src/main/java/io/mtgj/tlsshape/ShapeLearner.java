package io.mtgj.tlsshape;

import io.mtgj.config.HostPort;
import io.mtgj.faketls.HelloShapes;
import io.mtgj.faketls.ServerHelloShape;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Learns, for each hostname FakeTLS secrets name, the shape of its cloak host's real TLS 1.3 answer
 * ({@link ShapeProbe}), at start and every few hours, and hands it to FakeTLS answers ({@link HelloShapes}).
 * <p>
 * One daemon thread of its own ({@code mtg-tls-shape}) does the handshakes one after another, so a slow host holds up
 * neither the reactors nor the control thread. The shapes are published as one immutable map behind a volatile
 * field: a reactor's lookup is a plain read and a {@code Map.get}, without locks or allocation.
 * <p>
 * A host that cannot be reached or does not answer TLS 1.3 the first time is warned about once, and its clients get
 * the built-in answer; later failures keep the last shape learned, as a host that is down for a while has not
 * changed its certificate. Each host's shape is logged when first learned and when it changes.
 */
public final class ShapeLearner implements HelloShapes, AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.tlsshape");
    /** Bound on the connect and each read of a handshake. */
    static final int PROBE_TIMEOUT_MS = 5_000;
    /** How many hosts a first round logs one by one; the rest are summed up. */
    private static final int HOSTS_LISTED = 5;

    private final long refreshMs;
    private final int timeoutMs;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task ->
    {
        final Thread daemon = new Thread(task, "mtg-tls-shape");
        daemon.setDaemon(true);
        return daemon;
    });
    /** Only touched on the learner's thread. */
    private final Set<String> tried = new HashSet<>();
    private volatile Map<String, HostPort> targets = Map.of();
    private volatile Map<String, ServerHelloShape> shapes = Map.of();

    /**
     * @param refreshMs how often every host is learned again.
     * @param timeoutMs bound on the connect and on each read of one handshake.
     */
    public ShapeLearner(final long refreshMs, final int timeoutMs)
    {
        this.refreshMs = refreshMs;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @param refreshMs how often every host is learned again.
     */
    public ShapeLearner(final long refreshMs)
    {
        this(refreshMs, PROBE_TIMEOUT_MS);
    }

    /**
     * Learn these hosts now in the background, then every refresh period.
     *
     * @param hosts the hostname clients send (the SNI) to where its cloak host listens.
     */
    public void start(final Map<String, HostPort> hosts)
    {
        targets = Map.copyOf(hosts);
        thread.scheduleWithFixedDelay(this::learnAll, 0, refreshMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Set the hosts without learning them yet: {@link #learnNow()} does.
     *
     * @param hosts the hostname clients send (the SNI) to where its cloak host listens.
     */
    public void hosts(final Map<String, HostPort> hosts)
    {
        targets = Map.copyOf(hosts);
    }

    /**
     * Named users' secrets changed: keep exactly these hosts, learning new ones now.
     *
     * @param hosts the hostname clients send (the SNI) to where its cloak host listens.
     */
    public void keep(final Map<String, HostPort> hosts)
    {
        targets = Map.copyOf(hosts);
        thread.execute(this::learnNew);
    }

    /**
     * One handshake with a cloak host, on the caller's thread: what {@code mtg doctor} shows.
     *
     * @param address   where the host answers.
     * @param sni       the name to send.
     * @param timeoutMs bound on the connect and on each read.
     * @return the shape of its answer.
     * @throws IOException when it could not be reached, broke off, or answered without TLS 1.3 (the message says).
     */
    public static ServerHelloShape learnOnce(final InetSocketAddress address, final String sni, final int timeoutMs)
        throws IOException
    {
        return ShapeProbe.probe(address, sni, timeoutMs);
    }

    /**
     * Learn every host again now, on the learner's thread, and wait for it: for tests and one-shot checks.
     *
     * @throws InterruptedException when interrupted while waiting.
     */
    public void learnNow() throws InterruptedException
    {
        try
        {
            thread.submit(this::learnAll).get();
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            throw new IllegalStateException("learning failed", ex.getCause());
        }
    }

    @Override
    public ServerHelloShape forHost(final String host)
    {
        return shapes.get(host);
    }

    /**
     * @return the shapes learned so far, by hostname.
     */
    public Map<String, ServerHelloShape> shapes()
    {
        return shapes;
    }

    /**
     * Stop learning; the shapes learned stay in use.
     */
    @Override
    public void close()
    {
        thread.shutdownNow();
    }

    private void learnAll()
    {
        learn(new ArrayList<>(targets.keySet()));
    }

    private void learnNew()
    {
        final List<String> fresh = new ArrayList<>();
        for (final String host : targets.keySet())
        {
            if (!tried.contains(host))
            {
                fresh.add(host);
            }
        }
        learn(fresh);
    }

    /**
     * One handshake per host, one after another; then publish the shapes of the hosts still wanted.
     */
    private void learn(final List<String> hosts)
    {
        final Map<String, HostPort> wanted = targets;
        final Map<String, ServerHelloShape> learned = new HashMap<>();
        final List<String> failed = new ArrayList<>();
        int logged = 0;
        for (final String host : hosts)
        {
            final HostPort target = wanted.get(host);
            if (null == target || Thread.currentThread().isInterrupted())
            {
                continue;
            }
            final boolean first = tried.add(host);
            try
            {
                final ServerHelloShape shape = ShapeProbe.probe(resolve(target), host, timeoutMs);
                learned.put(host, shape);
                if ((first && logged++ < HOSTS_LISTED) || (!first && !shape.equals(shapes.get(host))))
                {
                    LOG.log(System.Logger.Level.INFO, "cloak host TLS answer {0} host={1} cloak={2} {3}",
                        first ? "learned" : "changed", host, target, shape.describe());
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                if (first)
                {
                    failed.add(host + " (" + reason(target, ex) + ")");
                }
                LOG.log(System.Logger.Level.DEBUG, "cannot learn the TLS answer host={0} cloak={1}: {2}", host,
                    target, reason(target, ex));
            }
        }
        publish(wanted, learned);
        if (logged > HOSTS_LISTED)
        {
            LOG.log(System.Logger.Level.INFO, "cloak host TLS answers learned for {0} more hosts", logged - HOSTS_LISTED);
        }
        if (!failed.isEmpty())
        {
            LOG.log(System.Logger.Level.WARNING, "cannot learn the TLS 1.3 answer of {0} cloak host(s): {1}{2}; " +
                "FakeTLS clients naming them get the built-in answer (one ServerHello, one 2.5-4.7 KB record) until " +
                "a later try succeeds", failed.size(), String.join(", ", failed.subList(0,
                Math.min(HOSTS_LISTED, failed.size()))), failed.size() > HOSTS_LISTED ? ", ..." : "");
        }
    }

    /**
     * Swap in the new map: what was just learned, the last shape of hosts that failed this time, nothing of hosts no
     * longer wanted.
     */
    private void publish(final Map<String, HostPort> wanted, final Map<String, ServerHelloShape> learned)
    {
        final Map<String, ServerHelloShape> next = new HashMap<>();
        for (final Map.Entry<String, ServerHelloShape> entry : shapes.entrySet())
        {
            if (targets.containsKey(entry.getKey()))
            {
                next.put(entry.getKey(), entry.getValue());
            }
        }
        for (final Map.Entry<String, ServerHelloShape> entry : learned.entrySet())
        {
            if (wanted.containsKey(entry.getKey()) && targets.containsKey(entry.getKey()))
            {
                next.put(entry.getKey(), entry.getValue());
            }
        }
        shapes = Map.copyOf(next);
    }

    private static InetSocketAddress resolve(final HostPort target) throws IOException
    {
        try
        {
            return target.resolve();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
    }

    private static String reason(final HostPort target, final Throwable ex)
    {
        if (ex instanceof ShapeProbe.NotTls13Exception)
        {
            return target + " " + ex.getMessage();
        }
        return target + " unreachable: " + (null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage());
    }
}
