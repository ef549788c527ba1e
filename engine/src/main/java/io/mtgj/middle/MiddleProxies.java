package io.mtgj.middle;

import io.mtgj.config.MiddleProxySettings;
import io.mtgj.config.PreferIp;
import io.mtgj.http.HttpGet;
import io.mtgj.net.ReactorServices;
import io.mtgj.net.SharedLinks;
import io.mtgj.net.SharedUpstream;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Promoted-channel mode's upstream: Telegram's middle proxies, their list and the proxy secret fetched over HTTP(S)
 * at start and refreshed on the control thread (protocol.md 7.1; a failed refresh keeps the last good copy), and the
 * pools of connections each reactor keeps to them ({@link MiddlePools}). Its directory methods are thread-safe; the
 * gauges of connections by middle proxy are read by the metrics.
 */
public final class MiddleProxies implements SharedUpstream
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.middle");
    private static final int TIMEOUT_MS = 30_000;
    private static final int MIN_SECRET_LENGTH = 32;
    private static final int MAX_SECRET_LENGTH = 256;

    private final URI secretUrl;
    private final URI configUrl;
    private final URI configUrlV6;
    private final byte[] adTag;
    private final InetAddress publicIpv4;
    private final PreferIp preferIp;
    private final MiddleProxySettings settings;
    private final ConcurrentHashMap<Gauge, Gauge> gauges = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;
    /** {@code --socks5}: the SOCKS proxy each fetch goes through, or null to fetch directly. */
    private volatile Supplier<Proxy> httpProxy;

    /**
     * @param secretUrl   proxy secret URL.
     * @param configUrl   IPv4 list URL.
     * @param configUrlV6 IPv6 list URL.
     * @param adTag       the 16-byte ad tag.
     * @param publicIpv4  our public IPv4 when behind NAT, or null.
     * @param preferIp    family policy: {@code only-*} forces a family, otherwise the client's is used.
     * @param settings    how connections are pooled.
     */
    public MiddleProxies(final URI secretUrl, final URI configUrl, final URI configUrlV6, final byte[] adTag,
        final InetAddress publicIpv4, final PreferIp preferIp, final MiddleProxySettings settings)
    {
        this.preferIp = preferIp;
        this.secretUrl = secretUrl;
        this.configUrl = configUrl;
        this.configUrlV6 = configUrlV6;
        this.adTag = adTag.clone();
        this.publicIpv4 = publicIpv4;
        this.settings = settings;
    }

    /**
     * Fetch through a SOCKS proxy from now on ({@code --socks5}), as the connections to the middle proxies go.
     *
     * @param proxies gives the proxy for each fetch.
     */
    public void fetchThrough(final Supplier<Proxy> proxies)
    {
        this.httpProxy = proxies;
    }

    /**
     * Fetch everything now (blocking; control thread or start-up).
     *
     * @throws IOException when the secret or the IPv4 list cannot be had; the old copy stays in use.
     */
    public void refresh() throws IOException
    {
        final byte[] secret = fetch(secretUrl);
        if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH)
        {
            throw new IOException("the proxy secret from " + secretUrl + " is " + secret.length + " bytes, expected " +
                MIN_SECRET_LENGTH + ".." + MAX_SECRET_LENGTH);
        }
        final MiddleProxyList v4 = parse(configUrl);
        MiddleProxyList v6 = null;
        try
        {
            v6 = parse(configUrlV6);
        }
        catch (final IOException ex)
        {
            final Snapshot old = snapshot;
            v6 = null == old ? null : old.v6;
            LOG.log(System.Logger.Level.WARNING, "cannot fetch the IPv6 middle-proxy list, IPv6 clients use IPv4: {0}",
                ex.getMessage());
        }
        snapshot = new Snapshot(secret, v4, v6);
        LOG.log(System.Logger.Level.INFO, "middle-proxy config loaded secret_bytes={0} dcs_v4={1} dcs_v6={2}",
            secret.length, v4.size(), null == v6 ? 0 : v6.size());
    }

    /**
     * {@link #refresh()} for the control thread: a failure is logged and the last good copy kept.
     */
    public void refreshQuietly()
    {
        try
        {
            refresh();
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "middle-proxy config refresh failed, keeping the last good copy: {0}",
                ex.getMessage());
        }
    }

    private MiddleProxyList parse(final URI url) throws IOException
    {
        try
        {
            return MiddleProxyList.parse(new String(fetch(url), StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException(url + ": " + ex.getMessage(), ex);
        }
    }

    private byte[] fetch(final URI url) throws IOException
    {
        final Supplier<Proxy> proxies = httpProxy;
        return HttpGet.get(url, null == proxies ? null : proxies.get(), TIMEOUT_MS);
    }

    @Override
    public SharedLinks forReactor(final ReactorServices reactor)
    {
        return new MiddlePools(this, reactor);
    }

    @Override
    public int largestBuffer()
    {
        return MiddleConnection.CHUNK_BYTES;
    }

    MiddleProxySettings settings()
    {
        return settings;
    }

    /**
     * @param dcIndex the client's signed DC index.
     * @param ipv6    whether it should use IPv6 middle proxies ({@link #useIpv6}).
     * @return its pool's key: the cluster serving it x 2, plus 1 when that is an IPv6 list (an IPv6 client falls
     *         back to the IPv4 list when the IPv6 one has nothing for it).
     */
    int poolKey(final short dcIndex, final boolean ipv6)
    {
        final Snapshot current = snapshot;
        if (ipv6 && null != current.v6 && !current.v6.candidates(dcIndex).isEmpty())
        {
            return current.v6.cluster(dcIndex) * 2 + 1;
        }
        return current.v4.cluster(dcIndex) * 2;
    }

    /**
     * @param ipv6 the family.
     * @return the clusters of that family's list, each a pool to open at start.
     */
    List<Integer> clusters(final boolean ipv6)
    {
        final Snapshot current = snapshot;
        return ipv6 ? (null == current.v6 ? List.of() : current.v6.dcs()) : current.v4.dcs();
    }

    /**
     * @param key a pool's key ({@link #poolKey}).
     * @return one of its cluster's middle proxies at random, or null when the list has none now.
     */
    InetSocketAddress pick(final int key)
    {
        final Snapshot current = snapshot;
        final MiddleProxyList list = 1 == (key & 1) ? current.v6 : current.v4;
        final List<InetSocketAddress> candidates = null == list ? List.of() : list.candidates((short)(key >> 1));
        return candidates.isEmpty() ? null : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }

    /**
     * @param dcIndex a client's signed DC index.
     * @param ipv6    whether it would use IPv6 middle proxies.
     * @return one of the middle proxies that would serve it, or null when none is listed.
     */
    public InetSocketAddress middleProxyFor(final short dcIndex, final boolean ipv6)
    {
        return pick(poolKey(dcIndex, ipv6));
    }

    /**
     * @param clientIpv6 whether the client reached us over IPv6.
     * @return whether to use IPv6 middle proxies for it: the client's family, unless {@code --prefer-ip only-*}.
     */
    boolean useIpv6(final boolean clientIpv6)
    {
        return PreferIp.ONLY_IPV6 == preferIp || (PreferIp.ONLY_IPV4 != preferIp && clientIpv6);
    }

    /**
     * @return the proxy secret fetched last.
     */
    public byte[] proxySecret()
    {
        return snapshot.secret;
    }

    byte[] adTag()
    {
        return adTag;
    }

    /**
     * @return our public IPv4 when behind NAT (it enters the key derivation), or null to use the socket's address.
     */
    InetAddress publicIpv4()
    {
        return publicIpv4;
    }

    /**
     * @param dcLabel the metrics' DC label of the pool.
     * @param address the middle proxy.
     * @return its gauge, shared by every reactor.
     */
    Gauge gauge(final int dcLabel, final InetSocketAddress address)
    {
        final Gauge key = new Gauge(dcLabel, address.getAddress().getHostAddress() + ":" + address.getPort());
        final Gauge existing = gauges.putIfAbsent(key, key);
        return null == existing ? key : existing;
    }

    /**
     * Visit the middle proxies connected to so far, from any thread (the metrics).
     */
    public void forEachGauge(final GaugeVisitor visitor)
    {
        for (final Gauge gauge : gauges.keySet())
        {
            visitor.visit(gauge.dcLabel, gauge.address, gauge.open.get(), gauge.failures.get());
        }
    }

    /**
     * What {@link #forEachGauge} reports of one middle proxy serving one DC label.
     */
    @FunctionalInterface
    public interface GaugeVisitor
    {
        /**
         * @param dcLabel  the metrics' DC label.
         * @param address  {@code ip:port}.
         * @param open     connections open now.
         * @param failures connections that broke or could not be set up, so far.
         */
        void visit(int dcLabel, String address, long open, long failures);
    }

    /**
     * Connections to one middle proxy for one DC label, over every reactor; equal by label and address.
     */
    static final class Gauge
    {
        private final int dcLabel;
        private final String address;
        private final AtomicLong open = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();

        Gauge(final int dcLabel, final String address)
        {
            this.dcLabel = dcLabel;
            this.address = address;
        }

        void opened()
        {
            open.incrementAndGet();
        }

        void closed(final boolean failed)
        {
            open.decrementAndGet();
            if (failed)
            {
                failures.incrementAndGet();
            }
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Gauge && ((Gauge)other).dcLabel == dcLabel &&
                ((Gauge)other).address.equals(address);
        }

        @Override
        public int hashCode()
        {
            return dcLabel * 31 + address.hashCode();
        }
    }

    /**
     * One consistent copy of what Telegram published.
     */
    private static final class Snapshot
    {
        private final byte[] secret;
        private final MiddleProxyList v4;
        private final MiddleProxyList v6;

        Snapshot(final byte[] secret, final MiddleProxyList v4, final MiddleProxyList v6)
        {
            this.secret = secret;
            this.v4 = v4;
            this.v6 = v6;
        }
    }
}
