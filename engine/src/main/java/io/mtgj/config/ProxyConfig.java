package io.mtgj.config;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the engine needs to run, validated once at construction. Immutable.
 */
public final class ProxyConfig
{
    /** Default client handshake deadline (protocol.md 8.3). */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
    /** Default Telegram dial timeout (protocol.md 8.3). */
    public static final long DEFAULT_DIAL_TIMEOUT_MS = 10_000;
    /** Default idle timeout of a relay, any direction resetting it (mtg v2's default). */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 300_000;
    /** Default listening address. */
    public static final String DEFAULT_BIND = "0.0.0.0:3128";
    /** FakeTLS reads a whole ClientHello (up to one 16 KiB record) into the client to Telegram buffer. */
    public static final int MIN_FAKE_TLS_WRITE_BUFFER_BYTES = 17 * 1024;
    /** Default port of the cloak (fronting) host: where a real website answers TLS. */
    public static final int DEFAULT_CLOAK_PORT = 443;
    /** Default bound of the anti-replay cache, as mtg v1's. */
    public static final long DEFAULT_ANTI_REPLAY_MAX_BYTES = 128L * 1024 * 1024;
    /** Smallest anti-replay cache worth having (the cache's own minimum). */
    public static final long MIN_ANTI_REPLAY_BYTES = 1024;
    /** Default SNTP servers, one picked at random per check, as mtg v1's. */
    public static final List<String> DEFAULT_NTP_SERVERS =
        List.of("0.pool.ntp.org", "1.pool.ntp.org", "2.pool.ntp.org", "3.pool.ntp.org");

    private static final int NTP_PORT = 123;
    /** Default cap on connections still handshaking, across reactors. */
    public static final int DEFAULT_MAX_HANDSHAKES = 1024;
    /** Default time open connections get to finish after a stop is asked for (SIGTERM, SIGINT). */
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
    /** Longest accepted shutdown timeout. */
    public static final long MAX_SHUTDOWN_TIMEOUT_MS = 3_600_000;

    private final Secret secret;
    private final byte[] adTag;
    private final InetSocketAddress bind;
    private final Listening listening;
    private final PreferIp preferIp;
    private final Map<Integer, List<InetSocketAddress>> dcAddresses;
    private final int workers;
    private final long handshakeTimeoutMs;
    private final long dialTimeoutMs;
    private final long idleTimeoutMs;
    private final HostPort cloak;
    private final int cloakPort;
    /** Named users, or null when the proxy serves its one secret. */
    private final UsersSettings users;
    /** Where users' usage and the anti-replay cache outlive restarts, or null. */
    private final java.nio.file.Path stateDir;
    private final long antiReplayMaxBytes;
    private final HelloPolicy helloPolicy;
    private final List<HostPort> ntpServers;
    private final MiddleProxyUrls middleProxyUrls;
    private final MiddleProxySettings middleProxy;
    private final java.net.InetAddress publicIpv4;
    private final AccessSettings access;
    private final ProxyProtocolSettings proxyProtocol;
    private final int maxHandshakes;
    private final Capacity capacity;
    private final long shutdownTimeoutMs;
    private final ClientIpLogging clientIpLogging;
    private final StatsConfig stats;
    private final Socks5Upstreams socks5;
    private final TlsShapeSettings tlsShape;

    private ProxyConfig(final Builder b)
    {
        if (null == b.secret)
        {
            throw new IllegalArgumentException("a secret is required");
        }
        if (null != b.adTag && b.adTag.length != 16)
        {
            throw new IllegalArgumentException("an ad tag is 16 bytes (32 hex characters)");
        }
        secret = b.secret;
        adTag = null == b.adTag ? null : b.adTag.clone();
        bind = b.bind;
        listening = b.listening;
        if (SecretMode.FAKE_TLS == secret.mode() && b.writeBufferBytes < MIN_FAKE_TLS_WRITE_BUFFER_BYTES)
        {
            throw new IllegalArgumentException("bad --write-buffer " + ByteSize.format(b.writeBufferBytes) +
                ": tls secrets need at least " + ByteSize.format(MIN_FAKE_TLS_WRITE_BUFFER_BYTES) +
                " to hold a ClientHello");
        }
        preferIp = b.preferIp;
        final Map<Integer, List<InetSocketAddress>> dcs = new TreeMap<>();
        b.dcAddresses.forEach((dc, list) -> dcs.put(dc, List.copyOf(list)));
        dcAddresses = Collections.unmodifiableMap(dcs);
        if (b.workers < 1 || b.workers > 1024)
        {
            throw new IllegalArgumentException("bad --workers " + b.workers + ": expected 1..1024");
        }
        workers = b.workers;
        handshakeTimeoutMs = Durations.checkPositive("--handshake-timeout", b.handshakeTimeoutMs);
        dialTimeoutMs = Durations.checkPositive("--dial-timeout", b.dialTimeoutMs);
        idleTimeoutMs = Durations.checkPositive("--idle-timeout", b.idleTimeoutMs);
        final String cloakHost = null != b.cloakHost ? b.cloakHost : secret.host();
        cloak = null == cloakHost ? null : new HostPort(cloakHost, b.cloakPort);
        cloakPort = b.cloakPort;
        users = b.users;
        stateDir = b.stateDir;
        if (b.cloakPort < 1 || b.cloakPort > 65535)
        {
            throw new IllegalArgumentException("bad --cloak-port " + b.cloakPort + ": expected 1..65535");
        }
        if (b.antiReplayMaxBytes < 0 || (b.antiReplayMaxBytes > 0 && b.antiReplayMaxBytes < MIN_ANTI_REPLAY_BYTES))
        {
            throw new IllegalArgumentException("bad --anti-replay-max-size " + ByteSize.format(b.antiReplayMaxBytes) +
                ": expected 0 (off) or at least " + ByteSize.format(MIN_ANTI_REPLAY_BYTES));
        }
        antiReplayMaxBytes = b.antiReplayMaxBytes;
        helloPolicy = java.util.Objects.requireNonNull(b.helloPolicy, "helloPolicy");
        final List<HostPort> ntp = new ArrayList<>();
        for (final String server : b.ntpServers)
        {
            final HostPort hostPort = HostPort.parse(server, true);
            ntp.add(hostPort.hasPort() ? hostPort : new HostPort(hostPort.host(), NTP_PORT));
        }
        ntpServers = List.copyOf(ntp);
        socks5 = b.socks5;
        middleProxyUrls = b.middleProxyUrls;
        publicIpv4 = b.publicIpv4;
        access = new AccessSettings(b.allowCidrs, b.denyCidrs, b.blocklists, b.maxConnectionsPerIp, b.cloaksDenied);
        proxyProtocol = b.proxyProtocol;
        if (b.maxHandshakes < 1)
        {
            throw new IllegalArgumentException("bad --max-handshakes " + b.maxHandshakes + ": expected 1 or more");
        }
        maxHandshakes = b.maxHandshakes;
        capacity = new Capacity(b.readBufferBytes, b.writeBufferBytes, b.bufferMemoryBytes, b.maxConnections,
            b.stallTimeoutMs, b.maxDirectMemoryBytes > 0 ? b.maxDirectMemoryBytes : Capacity.maxDirectMemoryBytes(),
            0 != b.openFileLimit ? b.openFileLimit : Capacity.readOpenFileLimit(), workers, null != adTag,
            SecretMode.FAKE_TLS == secret.mode(), b.multiplexPerConnection, Runtime.getRuntime().maxMemory(),
            antiReplayMaxBytes);
        // A quarter of the heap goes to promoted-channel clients' queued answers and large packets, split evenly.
        middleProxy = new MiddleProxySettings(b.multiplexPerConnection, b.middlePoolFloor, b.middleIdleCloseMs,
            b.middlePingIntervalMs, 0 != b.middleHeapBytesPerWorker ? b.middleHeapBytesPerWorker :
            Runtime.getRuntime().maxMemory() / 4 / workers);
        if (b.shutdownTimeoutMs < 0 || b.shutdownTimeoutMs > MAX_SHUTDOWN_TIMEOUT_MS)
        {
            throw new IllegalArgumentException("bad --shutdown-timeout " + b.shutdownTimeoutMs + "ms: expected 0 to " +
                Durations.format(MAX_SHUTDOWN_TIMEOUT_MS));
        }
        shutdownTimeoutMs = b.shutdownTimeoutMs;
        clientIpLogging = b.clientIpLogging;
        stats = java.util.Objects.requireNonNull(b.stats, "a stats configuration (StatsConfig.DISABLED for none)");
        tlsShape = b.tlsShape;
    }

    /**
     * @param secret the secret the instance serves.
     * @return a builder with every default set.
     */
    public static Builder builder(final Secret secret)
    {
        return new Builder(secret);
    }

    /**
     * @return the secret.
     */
    public Secret secret()
    {
        return secret;
    }

    /**
     * @return a copy of the 16-byte ad tag, or null in direct mode.
     */
    public byte[] adTag()
    {
        return null == adTag ? null : adTag.clone();
    }

    /**
     * @return the listening address.
     */
    public InetSocketAddress bind()
    {
        return bind;
    }

    /**
     * @return how the listening socket is got: bound, bound with SO_REUSEPORT, or inherited from systemd.
     */
    public Listening listening()
    {
        return listening;
    }

    /**
     * @return the sizes and limits that follow from the memory and file budget.
     */
    public Capacity capacity()
    {
        return capacity;
    }

    /**
     * @return the IP family policy for dialing Telegram.
     */
    public PreferIp preferIp()
    {
        return preferIp;
    }

    /**
     * @return DC number to the addresses that replace the built-in table for it.
     */
    public Map<Integer, List<InetSocketAddress>> dcAddresses()
    {
        return dcAddresses;
    }

    /**
     * @return number of reactor threads.
     */
    public int workers()
    {
        return workers;
    }

    /**
     * @return how long a client may take to complete its handshake.
     */
    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs;
    }

    /**
     * @return how long dialing one Telegram address may take.
     */
    public long dialTimeoutMs()
    {
        return dialTimeoutMs;
    }

    /**
     * @return how long a relay may stay silent in both directions before it is closed.
     */
    public long idleTimeoutMs()
    {
        return idleTimeoutMs;
    }

    /**
     * @return where connections that are not our FakeTLS clients are forwarded: {@code --cloak-host} (default the
     *         secret's hostname) and {@code --cloak-port}; null when the secret has no hostname and none was given.
     *         Resolved by the engine, not here, so a start without DNS still works.
     */
    public HostPort cloak()
    {
        return cloak;
    }

    /**
     * @return the port of cloak hosts: {@link #cloak()}'s, and that of the hosts named users' FakeTLS secrets name.
     */
    public int cloakPort()
    {
        return cloakPort;
    }

    /**
     * @return named users ({@code --secrets}), or null when the proxy serves {@link #secret()} alone.
     */
    public UsersSettings users()
    {
        return users;
    }

    /**
     * @return the state directory ({@code --state-dir}): users' usage and the anti-replay cache are saved there and
     *         loaded at start; null keeps them in memory only.
     */
    public java.nio.file.Path stateDir()
    {
        return stateDir;
    }

    /**
     * @return the anti-replay cache's bound in bytes; 0 disables the cache.
     */
    public long antiReplayMaxBytes()
    {
        return antiReplayMaxBytes;
    }

    /**
     * @return how FakeTLS hellos are judged: the clock window (also how far our clock may be from NTP's before a
     *         warning) and what becomes of unknown server names.
     */
    public HelloPolicy helloPolicy()
    {
        return helloPolicy;
    }

    /**
     * @return SNTP servers for the clock check (port 123 unless given); empty disables the check.
     */
    public List<HostPort> ntpServers()
    {
        return ntpServers;
    }

    /**
     * @return {@code --socks5}: the SOCKS5 servers Telegram is reached through; {@link Socks5Upstreams#NONE} for none.
     */
    public Socks5Upstreams socks5()
    {
        return socks5;
    }

    /**
     * @return how long open connections may keep going once a graceful stop has refused new ones; 0 closes them at
     *         once.
     */
    public long shutdownTimeoutMs()
    {
        return shutdownTimeoutMs;
    }

    /**
     * @return how client addresses appear in logs ({@code --log-client-ip}).
     */
    public ClientIpLogging clientIpLogging()
    {
        return clientIpLogging;
    }

    /**
     * @return where metrics go: the Prometheus endpoint and statsd, each off unless configured.
     */
    public StatsConfig stats()
    {
        return stats;
    }

    /**
     * @return where promoted-channel mode fetches Telegram's proxy secret and middle-proxy lists.
     */
    public MiddleProxyUrls middleProxyUrls()
    {
        return middleProxyUrls;
    }

    /**
     * @return how promoted-channel mode pools its middle-proxy connections.
     */
    public MiddleProxySettings middleProxy()
    {
        return middleProxy;
    }

    /**
     * @return our public IPv4 as given with {@code -4}, or null: behind NAT the middle proxy's key derivation needs it.
     */
    public java.net.InetAddress publicIpv4()
    {
        return publicIpv4;
    }

    /**
     * @return who may connect: access lists, block lists, the per-address limit.
     */
    public AccessSettings access()
    {
        return access;
    }

    /**
     * @return whether connections come through a PROXY protocol load balancer, and which.
     */
    public ProxyProtocolSettings proxyProtocol()
    {
        return proxyProtocol;
    }

    /** @return how a FakeTLS proxy looks like its cloak host: learned handshakes, sized records. */
    public TlsShapeSettings tlsShape()
    {
        return tlsShape;
    }

    /**
     * @return connections that may be handshaking at once before the oldest is dropped.
     */
    public int maxHandshakes()
    {
        return maxHandshakes;
    }

    /**
     * Mutable collector of settings; {@link #build()} validates.
     */
    public static final class Builder
    {
        private final Secret secret;
        private byte[] adTag;
        private InetSocketAddress bind = HostPort.parse(DEFAULT_BIND, false).resolve();
        private Listening listening = Listening.BIND;
        private long readBufferBytes = Capacity.DEFAULT_BUFFER_BYTES;
        private long writeBufferBytes = Capacity.DEFAULT_BUFFER_BYTES;
        private PreferIp preferIp = PreferIp.IPV6;
        private final Map<Integer, List<InetSocketAddress>> dcAddresses = new TreeMap<>();
        private int workers = Runtime.getRuntime().availableProcessors();
        private long handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
        private long dialTimeoutMs = DEFAULT_DIAL_TIMEOUT_MS;
        private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
        private String cloakHost;
        private int cloakPort = DEFAULT_CLOAK_PORT;
        private UsersSettings users;
        private java.nio.file.Path stateDir;
        private long antiReplayMaxBytes = DEFAULT_ANTI_REPLAY_MAX_BYTES;
        private HelloPolicy helloPolicy = HelloPolicy.DEFAULT;
        private List<String> ntpServers = DEFAULT_NTP_SERVERS;
        private Socks5Upstreams socks5 = Socks5Upstreams.NONE;
        private MiddleProxyUrls middleProxyUrls = MiddleProxyUrls.DEFAULT;
        private int multiplexPerConnection = MiddleProxySettings.DEFAULT_MULTIPLEX_PER_CONNECTION;
        private int middlePoolFloor = MiddleProxySettings.DEFAULT_POOL_FLOOR;
        private long middleIdleCloseMs = MiddleProxySettings.DEFAULT_IDLE_CLOSE_MS;
        private long middlePingIntervalMs = MiddleProxySettings.DEFAULT_PING_INTERVAL_MS;
        private java.net.InetAddress publicIpv4;
        private List<String> allowCidrs = List.of();
        private List<String> denyCidrs = List.of();
        private List<java.nio.file.Path> blocklists = List.of();
        private int maxConnectionsPerIp;
        private int maxHandshakes = DEFAULT_MAX_HANDSHAKES;
        private boolean cloaksDenied;
        private ProxyProtocolSettings proxyProtocol = ProxyProtocolSettings.OFF;
        private TlsShapeSettings tlsShape = TlsShapeSettings.DEFAULT;
        private StatsConfig stats = StatsConfig.DISABLED;
        private int maxConnections;
        private long maxDirectMemoryBytes;
        private long bufferMemoryBytes;
        private long stallTimeoutMs = Capacity.DEFAULT_STALL_TIMEOUT_MS;
        private long openFileLimit;
        private long middleHeapBytesPerWorker;
        private long shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;
        private ClientIpLogging clientIpLogging = ClientIpLogging.TRUNCATE;

        private Builder(final Secret secret)
        {
            this.secret = secret;
        }

        /**
         * @param adTag 16 bytes, or null for direct mode.
         * @return this.
         */
        public Builder adTag(final byte[] adTag)
        {
            this.adTag = adTag;
            return this;
        }

        /**
         * @param bind listening address.
         * @return this.
         */
        public Builder bind(final InetSocketAddress bind)
        {
            this.bind = bind;
            return this;
        }

        /**
         * @param how how the listening socket is got; {@link Listening#BIND} by default.
         * @return this builder.
         */
        public Builder listening(final Listening how)
        {
            listening = java.util.Objects.requireNonNull(how);
            return this;
        }

        /**
         * @param bytes Telegram to client buffer size.
         * @return this.
         */
        public Builder readBufferBytes(final long bytes)
        {
            this.readBufferBytes = bytes;
            return this;
        }

        /**
         * @param bytes client to Telegram buffer size.
         * @return this.
         */
        public Builder writeBufferBytes(final long bytes)
        {
            this.writeBufferBytes = bytes;
            return this;
        }

        /**
         * @param preferIp family policy.
         * @return this.
         */
        public Builder preferIp(final PreferIp preferIp)
        {
            this.preferIp = preferIp;
            return this;
        }

        /**
         * Dial {@code address} for DC {@code dc} instead of the built-in table; repeatable, in order of preference.
         *
         * @param dc      DC number, positive.
         * @param address resolved address.
         * @return this.
         */
        public Builder dcAddress(final int dc, final InetSocketAddress address)
        {
            if (dc <= 0 || dc > Short.MAX_VALUE)
            {
                throw new IllegalArgumentException("bad DC number " + dc + " in --dc-address: expected 1..32767");
            }
            dcAddresses.computeIfAbsent(dc, k -> new ArrayList<>()).add(address);
            return this;
        }

        /**
         * @param workers reactor threads.
         * @return this.
         */
        public Builder workers(final int workers)
        {
            this.workers = workers;
            return this;
        }

        /**
         * @param ms handshake deadline.
         * @return this.
         */
        public Builder handshakeTimeoutMs(final long ms)
        {
            this.handshakeTimeoutMs = ms;
            return this;
        }

        /**
         * @param ms dial timeout per address.
         * @return this.
         */
        public Builder dialTimeoutMs(final long ms)
        {
            this.dialTimeoutMs = ms;
            return this;
        }

        /**
         * @param ms idle timeout.
         * @return this.
         */
        public Builder idleTimeoutMs(final long ms)
        {
            this.idleTimeoutMs = ms;
            return this;
        }

        /**
         * @param host where non-clients are forwarded instead of the secret's hostname.
         * @return this.
         */
        public Builder cloakHost(final String host)
        {
            this.cloakHost = host;
            return this;
        }

        /**
         * @param settings named users ({@code --secrets}) instead of the builder's secret alone, which then is the
         *                 first of them (a FakeTLS one if any), for the defaults it implies (cloak host, clock check).
         * @return this.
         */
        public Builder users(final UsersSettings settings)
        {
            this.users = settings;
            return this;
        }

        /**
         * @param dir the state directory, or null (the default) to keep usage and the anti-replay cache in memory.
         * @return this builder.
         */
        public Builder stateDir(final java.nio.file.Path dir)
        {
            stateDir = dir;
            return this;
        }

        /**
         * @param port the cloak host's port.
         * @return this.
         */
        public Builder cloakPort(final int port)
        {
            this.cloakPort = port;
            return this;
        }

        /**
         * @param bytes anti-replay cache bound; 0 disables it.
         * @return this.
         */
        public Builder antiReplayMaxBytes(final long bytes)
        {
            this.antiReplayMaxBytes = bytes;
            return this;
        }

        /**
         * @param policy the clock window and the unknown-SNI policy of FakeTLS hellos.
         * @return this.
         */
        public Builder helloPolicy(final HelloPolicy policy)
        {
            this.helloPolicy = policy;
            return this;
        }

        /**
         * @param servers {@code host} or {@code host:port} of SNTP servers; empty disables the clock check.
         * @return this.
         */
        public Builder ntpServers(final List<String> servers)
        {
            this.ntpServers = List.copyOf(servers);
            return this;
        }

        /**
         * @param urls {@code socks5://[user:pass@]host:port} of the SOCKS5 servers to reach Telegram through.
         * @return this.
         * @throws IllegalArgumentException naming a bad value.
         */
        public Builder socks5(final List<String> urls)
        {
            this.socks5 = Socks5Upstreams.parse(urls);
            return this;
        }

        /**
         * @param stats metrics settings; {@link StatsConfig#DISABLED} (the default) for none.
         * @return this.
         */
        public Builder stats(final StatsConfig stats)
        {
            this.stats = stats;
            return this;
        }

        /**
         * @param urls where Telegram's proxy secret and middle-proxy lists are fetched.
         * @return this.
         */
        public Builder middleProxyUrls(final MiddleProxyUrls urls)
        {
            this.middleProxyUrls = java.util.Objects.requireNonNull(urls);
            return this;
        }

        /**
         * @param clients clients per middle-proxy connection.
         * @return this.
         */
        public Builder multiplexPerConnection(final int clients)
        {
            this.multiplexPerConnection = clients;
            return this;
        }

        /**
         * @param address our public IPv4, or null.
         * @return this.
         */
        public Builder publicIpv4(final java.net.InetAddress address)
        {
            this.publicIpv4 = address;
            return this;
        }

        /**
         * @param connections client connections open at once; 0 (the default) for what the open-file limit allows
         *                    ({@link Capacity}).
         * @return this.
         */
        public Builder maxConnections(final int connections)
        {
            this.maxConnections = connections;
            return this;
        }

        /**
         * @param bytes the direct-memory limit to size and check the buffer arena against; 0 (the default) for this
         *              JVM's. For tests.
         * @return this.
         */
        public Builder maxDirectMemoryBytes(final long bytes)
        {
            this.maxDirectMemoryBytes = bytes;
            return this;
        }

        /**
         * @param bytes off-heap bytes for every relay buffer, across the reactors; 0 (the default) for 7/8 of the
         *              direct-memory limit.
         * @return this.
         */
        public Builder bufferMemoryBytes(final long bytes)
        {
            this.bufferMemoryBytes = bytes;
            return this;
        }

        /**
         * @param ms a relay whose peer accepts no byte for this long is closed.
         * @return this.
         */
        public Builder stallTimeoutMs(final long ms)
        {
            this.stallTimeoutMs = ms;
            return this;
        }

        /**
         * @param files the open-file limit to derive and check the connection limit against; 0 (the default) for
         *              this process's ({@link Capacity#readOpenFileLimit()}). For tests.
         * @return this.
         */
        public Builder openFileLimit(final long files)
        {
            this.openFileLimit = files;
            return this;
        }

        /**
         * @param bytes heap the promoted-channel clients of one reactor may hold for queued answers and large
         *              packets; 0 (the default) for a quarter of the heap split between the reactors. Not a flag:
         *              the heap size (-Xmx) is the knob, this is for tests.
         * @return this.
         */
        public Builder middleHeapBytesPerWorker(final long bytes)
        {
            this.middleHeapBytesPerWorker = bytes;
            return this;
        }

        /**
         * @param connections middle-proxy connections per DC cluster and reactor opened at start and kept; not a
         *                    flag (tests).
         * @return this.
         */
        public Builder middlePoolFloor(final int connections)
        {
            this.middlePoolFloor = connections;
            return this;
        }

        /**
         * @param ms how long a middle-proxy connection above the floor stays open without clients; not a flag (tests).
         * @return this.
         */
        public Builder middleIdleCloseMs(final long ms)
        {
            this.middleIdleCloseMs = ms;
            return this;
        }

        /**
         * @param ms silence after which a middle-proxy connection is pinged; twice that, it is dead. Not a flag
         *           (tests).
         * @return this.
         */
        public Builder middlePingIntervalMs(final long ms)
        {
            this.middlePingIntervalMs = ms;
            return this;
        }

        /**
         * @param logging how client addresses appear in logs.
         * @return this.
         */
        public Builder logClientIp(final ClientIpLogging logging)
        {
            this.clientIpLogging = logging;
            return this;
        }

        /**
         * @param ms how long open connections may finish after a graceful stop; 0 closes them at once.
         * @return this.
         */
        public Builder shutdownTimeoutMs(final long ms)
        {
            this.shutdownTimeoutMs = ms;
            return this;
        }

        /**
         * @param allow     networks allowed; empty allows everyone not denied.
         * @param deny      networks denied.
         * @param files     block-list files.
         * @return this.
         */
        public Builder accessLists(final List<String> allow, final List<String> deny,
            final List<java.nio.file.Path> files)
        {
            this.allowCidrs = allow;
            this.denyCidrs = deny;
            this.blocklists = files;
            return this;
        }

        /**
         * @param perIp concurrent connections per client IP; 0 for no limit.
         * @return this.
         */
        public Builder maxConnectionsPerIp(final int perIp)
        {
            this.maxConnectionsPerIp = perIp;
            return this;
        }

        /**
         * @param cloak whether denied clients of a FakeTLS proxy are fronted instead of reset.
         * @return this.
         */
        public Builder cloakDenied(final boolean cloak)
        {
            this.cloaksDenied = cloak;
            return this;
        }

        /**
         * @param settings whether every connection starts with a PROXY protocol header, and from which peers.
         * @return this.
         */
        public Builder proxyProtocol(final ProxyProtocolSettings settings)
        {
            this.proxyProtocol = settings;
            return this;
        }

        /** @param settings learned handshakes and sized records ({@code --no-tls-shaping}). @return this. */
        public Builder tlsShape(final TlsShapeSettings settings)
        {
            this.tlsShape = settings;
            return this;
        }

        /**
         * @param handshakes connections that may be handshaking at once.
         * @return this.
         */
        public Builder maxHandshakes(final int handshakes)
        {
            this.maxHandshakes = handshakes;
            return this;
        }

        /**
         * @return the validated configuration.
         * @throws IllegalArgumentException naming the first bad value.
         */
        public ProxyConfig build()
        {
            return new ProxyConfig(this);
        }
    }
}
