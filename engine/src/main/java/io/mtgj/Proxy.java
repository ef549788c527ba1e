package io.mtgj;

import io.mtgj.access.AccessList;
import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.antireplay.FingerprintCache;
import io.mtgj.antireplay.ReplayCacheFile;
import io.mtgj.antireplay.SavedReplayCache;
import io.mtgj.cloak.CloakHosts;
import io.mtgj.cloak.CloakUpstream;
import io.mtgj.clock.ClockCheck;
import io.mtgj.config.AccessSettings;
import io.mtgj.config.Capacity;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.Durations;
import io.mtgj.config.HostPort;
import io.mtgj.config.Listening;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.Socks5Server;
import io.mtgj.config.StatsConfig;
import io.mtgj.config.StatsdTagsFormat;
import io.mtgj.config.UnknownSni;
import io.mtgj.config.UsersSettings;
import io.mtgj.middle.MiddleProxies;
import io.mtgj.mode.SecretsMode;
import io.mtgj.net.ClientGate;
import io.mtgj.net.CloseReason;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.Reactor;
import io.mtgj.net.ReactorCounters;
import io.mtgj.net.ReactorGroup;
import io.mtgj.net.RejectReason;
import io.mtgj.net.Upstream;
import io.mtgj.secret.SecretMode;
import io.mtgj.socks5.Socks5Chain;
import io.mtgj.stats.LatencyRecorders;
import io.mtgj.stats.PrometheusCollector;
import io.mtgj.stats.StatsBindException;
import io.mtgj.stats.StatsEndpoint;
import io.mtgj.stats.StatsdReporter;
import io.mtgj.telegram.DcTable;
import io.mtgj.telegram.DirectUpstream;
import io.mtgj.tlsshape.ShapeLearner;
import io.mtgj.users.Account;
import io.mtgj.users.Users;

import io.prometheus.client.CollectorRegistry;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/**
 * A running proxy: the one public entry of the engine. {@link #start(ProxyConfig)} binds and starts the reactors;
 * {@link #close()} stops them and closes every connection.
 */
public final class Proxy implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.proxy");

    /** How often the cloak host is resolved again. */
    private static final long CLOAK_REFRESH_MS = TimeUnit.MINUTES.toMillis(5);
    /** How often the SOCKS5 servers' names are resolved again. */
    private static final long SOCKS5_REFRESH_MS = TimeUnit.MINUTES.toMillis(1);
    /** How often Telegram's middle-proxy list and secret are fetched again, as mtg v1. */
    private static final long MIDDLE_REFRESH_MS = TimeUnit.HOURS.toMillis(1);
    /** How often a graceful stop looks whether the open connections have finished. */
    private static final long DRAIN_POLL_MS = 20;
    /** How often block-list files are checked for changes. */
    private static final long BLOCKLIST_POLL_MS = TimeUnit.SECONDS.toMillis(5);
    /** How often the clock is checked against NTP, as mtg v1. */
    private static final long CLOCK_CHECK_MS = TimeUnit.MINUTES.toMillis(1);
    /** How often the secrets file is looked at for changes: an edit takes effect within this. */
    private static final long USERS_POLL_MS = TimeUnit.SECONDS.toMillis(2);
    /** How often quota periods, expiry dates and the saving of usage are looked after. */
    private static final long USERS_TICK_MS = TimeUnit.SECONDS.toMillis(5);
    /** How often the anti-replay cache is saved under --state-dir when it changed: a crash forgets at most this. */
    private static final long REPLAY_SAVE_MS = TimeUnit.MINUTES.toMillis(1);
    /**
     * A handshake rate a busy proxy may see at peaks (thousands of users, each client reconnecting every few minutes
     * with several connections): an anti-replay cache that cannot hold this many a second over the whole clock
     * window forgets handshakes while they can still be replayed, and a warning says so.
     */
    private static final int PLAUSIBLE_HANDSHAKES_PER_SECOND = 100;

    private final ProxyConfig config;
    private final ReactorGroup reactors;
    private final ScheduledExecutorService control;
    /** Promoted-channel mode's middle proxies; null in direct mode. */
    private final MiddleProxies middleProxies;
    /** Named users ({@code --secrets}) and the cloak hosts their secrets name; null with one secret. */
    private final Users users;
    private final CloakHosts cloakHosts;
    /** Learns the cloak hosts' TLS answers for FakeTLS answers to copy; null when it does not run. */
    private final ShapeLearner shapeLearner;
    /** The anti-replay cache when it is kept in the state directory; null otherwise. */
    private final SavedReplayCache savedReplay;
    /** {@code --socks5}: the SOCKS5 servers Telegram is reached through, or null. */
    private final Socks5Chain socks5;
    /** The clock check (tls mode with NTP servers), read by the metrics; null when it does not run. */
    private final ClockCheck clockCheck;
    private StatsEndpoint statsEndpoint;
    private StatsdReporter statsd;
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    /** Counted down when {@link #close()} begins, which also cuts a drain short. */
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Counted down when {@link #close()} has finished. */
    private final CountDownLatch closed = new CountDownLatch(1);

    private Proxy(final ProxyConfig config, final ReactorGroup reactors, final ScheduledExecutorService control,
        final MiddleProxies middleProxies, final Users users, final CloakHosts cloakHosts,
        final SavedReplayCache savedReplay, final Socks5Chain socks5, final ClockCheck clockCheck,
        final ShapeLearner shapeLearner)
    {
        this.shapeLearner = shapeLearner;
        this.socks5 = socks5;
        this.clockCheck = clockCheck;
        this.config = config;
        this.reactors = reactors;
        this.control = control;
        this.middleProxies = middleProxies;
        this.users = users;
        this.cloakHosts = cloakHosts;
        this.savedReplay = savedReplay;
    }

    /**
     * @param config validated configuration.
     * @return the running proxy.
     * @throws IOException when the listening socket cannot be bound; a {@link StatsBindException} when the
     *                     metrics endpoint's cannot.
     */
    public static Proxy start(final ProxyConfig config) throws IOException
    {
        final UsersSettings usersSettings = config.users();
        final Users users = null == usersSettings ? null :
            Users.load(usersSettings.secretsFile(), config.stateDir(), System::currentTimeMillis);
        final SavedReplayCache savedReplay = null == config.stateDir() || 0 == config.antiReplayMaxBytes() ? null :
            SavedReplayCache.open(config.stateDir(), config.antiReplayMaxBytes(), replayRetentionMs(config, users),
                System.currentTimeMillis());
        final AntiReplayCache antiReplay = null == savedReplay ?
            AntiReplayCache.create(config.antiReplayMaxBytes()) : savedReplay.cache();
        final CloakHosts cloakHosts = null == users ? null : new CloakHosts(config.cloakPort());
        final SecretsMode mode;
        if (null == users)
        {
            mode = SecretsMode.single(config.secret(), config.helloPolicy(), SystemEpochClock.INSTANCE, antiReplay);
        }
        else
        {
            cloakHosts.keep(users.tlsHosts());
            mode = new SecretsMode(users.credentials(), cloakHosts.upstreams(), config.helloPolicy(),
                SystemEpochClock.INSTANCE, antiReplay);
        }
        final ShapeLearner shapeLearner = startShapeLearner(config, users, mode);
        final Socks5Chain socks5 = startSocks5(config);
        final Upstream upstream;
        MiddleProxies middle = null;
        if (null == config.adTag())
        {
            upstream = new DirectUpstream(DcTable.create(config.preferIp(), config.dcAddresses()));
        }
        else
        {
            // Promoted-channel mode: Telegram's middle proxies; a failed first fetch is a start-up error.
            middle = new MiddleProxies(config.middleProxyUrls().secretUrl(), config.middleProxyUrls().configUrl(),
                config.middleProxyUrls().configUrlV6(), config.adTag(), config.publicIpv4(), config.preferIp(),
                config.middleProxy());
            if (null != socks5)
            {
                middle.fetchThrough(socks5::httpProxy);
            }
            middle.refresh();
            upstream = middle;
        }
        final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(task ->
        {
            final Thread thread = new Thread(task, "mtg-control");
            thread.setDaemon(true);
            return thread;
        });
        try
        {
            CloakUpstream cloak = null;
            if (mode.cloaksFailures() && null != config.cloak())
            {
                cloak = new CloakUpstream(config.cloak());
                cloak.refresh();
                control.scheduleWithFixedDelay(cloak::refresh, CLOAK_REFRESH_MS, CLOAK_REFRESH_MS,
                    TimeUnit.MILLISECONDS);
            }
            if (null != socks5)
            {
                control.scheduleWithFixedDelay(logged(socks5::refresh), SOCKS5_REFRESH_MS, SOCKS5_REFRESH_MS,
                    TimeUnit.MILLISECONDS);
            }
            if (null != middle)
            {
                control.scheduleWithFixedDelay(middle::refreshQuietly, MIDDLE_REFRESH_MS, MIDDLE_REFRESH_MS,
                    TimeUnit.MILLISECONDS);
            }
            ClockCheck clockCheck = null;
            if (SecretMode.FAKE_TLS == config.secret().mode() && !config.ntpServers().isEmpty())
            {
                clockCheck = new ClockCheck(config.ntpServers(), config.helloPolicy().clockWindow());
                clockCheck.start(control, CLOCK_CHECK_MS);
            }
            final AccessSettings access = config.access();
            final AccessList accessList =
                new AccessList(access.allowCidrs(), access.denyCidrs(), access.blocklists());
            if (!access.blocklists().isEmpty())
            {
                control.scheduleWithFixedDelay(accessList::reload, BLOCKLIST_POLL_MS, BLOCKLIST_POLL_MS,
                    TimeUnit.MILLISECONDS);
            }
            final ReactorGroup group = new ReactorGroup(config, mode, upstream, cloak,
                new ClientGate(accessList, access.maxConnectionsPerIp(), access.cloaksDenied()), socks5);
            if (null != users)
            {
                watchUsers(config, users, mode, cloakHosts, group, control, shapeLearner);
            }
            if (null != savedReplay)
            {
                control.scheduleWithFixedDelay(logged(savedReplay::saveIfChanged), REPLAY_SAVE_MS, REPLAY_SAVE_MS,
                    TimeUnit.MILLISECONDS);
            }
            final Proxy proxy =
                new Proxy(config, group, control, middle, users, cloakHosts, savedReplay, socks5, clockCheck,
                    shapeLearner);
            try
            {
                proxy.startStats();
            }
            catch (final IOException | RuntimeException ex)
            {
                proxy.stopStats();
                group.close();
                throw ex;
            }
            final Capacity capacity = config.capacity();
            LOG.log(System.Logger.Level.INFO, "proxy started bind={0} mode={1} workers={2} read_buffer={3} " +
                "write_buffer={4} prefer_ip={5} anti_replay_bytes={6} max_connections={7} " +
                "max_connections_from=\"{8}\" buffer_memory={9} buffer_memory_from=\"{10}\" stall_timeout_ms={11}" +
                "{12}", HostPort.text(proxy.localAddress()), proxy.modeLabel(), config.workers(),
                capacity.readBufferBytes(), capacity.writeBufferBytes(), config.preferIp().cliName(),
                config.antiReplayMaxBytes(), capacity.maxConnections(), capacity.maxConnectionsReason(),
                capacity.bufferMemoryBytes(), capacity.bufferMemoryReason(), capacity.stallTimeoutMs(),
                startDetails(config, cloak, users, savedReplay, socks5));
            warnIfHeapIsSmall(config);
            if (usesFakeTls(config, users))
            {
                warnIfReplayGap(config);
            }
            return proxy;
        }
        catch (final IOException | RuntimeException ex)
        {
            control.shutdownNow();
            if (null != cloakHosts)
            {
                cloakHosts.close();
            }
            if (null != shapeLearner)
            {
                shapeLearner.close();
            }
            throw ex;
        }
    }

    /**
     * @return the start line's optional part: what is set beyond the defaults every proxy has.
     */
    private static String startDetails(final ProxyConfig config, final CloakUpstream cloak, final Users users,
        final SavedReplayCache savedReplay, final Socks5Chain socks5)
    {
        final StringBuilder details = new StringBuilder();
        if (null != cloak)
        {
            details.append(" cloak=").append(cloak.target());
        }
        if (usesFakeTls(config, users))
        {
            final ClockWindow window = config.helloPolicy().clockWindow();
            final long keys = FingerprintCache.generationCapacity(config.antiReplayMaxBytes());
            details.append(" time_window=").append(window.format()).append(" anti_replay_covers=\"")
                .append(0 == keys ? "nothing, disabled" :
                    (long)window.coveredHandshakesPerSecond(keys) + " handshakes/s over the window").append('"');
            if (UnknownSni.CLOAK != config.helloPolicy().unknownSni())
            {
                details.append(" unknown_sni=").append(config.helloPolicy().unknownSni().cliName());
            }
        }
        if (null != users)
        {
            details.append(" users=").append(users.accounts().size()).append(" secrets_file=").append(users.file());
        }
        if (null != config.stateDir())
        {
            details.append(" state_dir=").append(config.stateDir());
        }
        if (null != savedReplay)
        {
            details.append(" anti_replay_loaded=").append(savedReplay.loaded()).append(" anti_replay_expired=")
                .append(savedReplay.dropped());
        }
        if (Listening.BIND != config.listening())
        {
            details.append(" listener=").append(config.listening().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (config.proxyProtocol().enabled())
        {
            details.append(" proxy_protocol=true proxy_protocol_from=\"").append(config.proxyProtocol().from()
                .isEmpty() ? "any" : String.join(",", config.proxyProtocol().from())).append('"');
        }
        if (null != socks5)
        {
            details.append(" socks5=").append(socks5Names(config));
        }
        return details.toString();
    }

    /**
     * How long a saved anti-replay key is worth keeping: a FakeTLS handshake recorded at time r carries a timestamp
     * of at most r + future, refused for its age once now - past passes it, so after past + future (and a second
     * for whole-second clocks: {@link ClockWindow#replayRetentionMs()}). Handshakes of simple and secured secrets
     * carry no time and can be replayed whenever: with any such secret, keep everything.
     */
    static long replayRetentionMs(final ProxyConfig config, final Users users)
    {
        return EnumSet.of(SecretMode.FAKE_TLS).containsAll(modes(config, users)) ?
            config.helloPolicy().clockWindow().replayRetentionMs() : ReplayCacheFile.KEEP_ALL;
    }

    /**
     * @return whether FakeTLS clients are served: the one secret's mode, or any named user's.
     */
    private static boolean usesFakeTls(final ProxyConfig config, final Users users)
    {
        return modes(config, users).contains(SecretMode.FAKE_TLS);
    }

    /**
     * A recorded FakeTLS hello passes the time check for the whole clock window: only the anti-replay cache refuses
     * it meanwhile. Say so when there is none, or when it forgets handshakes within the window at a rate a busy proxy
     * sees.
     */
    private static void warnIfReplayGap(final ProxyConfig config)
    {
        final ClockWindow window = config.helloPolicy().clockWindow();
        final long keys = FingerprintCache.generationCapacity(config.antiReplayMaxBytes());
        if (0 == keys)
        {
            LOG.log(System.Logger.Level.WARNING, "the anti-replay cache is disabled (--anti-replay-max-size 0): a " +
                "recorded FakeTLS hello can be replayed, and answered as ours, for up to {0} after it was sent " +
                "(--tolerate-time-skewness {1}); give the cache a size", Durations.format(window.spanMs()),
                window.format());
        }
        else if (window.coveredHandshakesPerSecond(keys) < PLAUSIBLE_HANDSHAKES_PER_SECOND)
        {
            LOG.log(System.Logger.Level.WARNING, "the anti-replay cache remembers {0} handshakes, {1} a second over " +
                "the {2} clock window (--tolerate-time-skewness {3}): above that rate, handshakes are forgotten while " +
                "their replay still passes the time check; raise --anti-replay-max-size or narrow the window", keys,
                (long)window.coveredHandshakesPerSecond(keys), Durations.format(window.spanMs()),
                window.format());
        }
    }

    /**
     * FakeTLS: learn what each cloak host's TLS 1.3 answer looks like, at start and every few hours, so that answers
     * to clients copy it; null when no secret is FakeTLS or learning is off.
     */
    private static ShapeLearner startShapeLearner(final ProxyConfig config, final Users users,
        final SecretsMode mode)
    {
        final java.util.Map<String, HostPort> targets = shapeTargets(config, users);
        if (!config.tlsShape().learnsShape() || targets.isEmpty())
        {
            return null;
        }
        final ShapeLearner learner = new ShapeLearner(config.tlsShape().refreshMs());
        mode.shapes(learner);
        learner.start(targets);
        return learner;
    }

    /**
     * @return each hostname FakeTLS clients send to where fronting takes strangers naming it: the proxy's cloak host
     *         for its one secret, each named user's host on the cloak port.
     */
    private static java.util.Map<String, HostPort> shapeTargets(final ProxyConfig config, final Users users)
    {
        final java.util.Map<String, HostPort> targets = new java.util.LinkedHashMap<>();
        if (null != users)
        {
            for (final String host : users.tlsHosts())
            {
                targets.put(host, new HostPort(host, config.cloakPort()));
            }
        }
        else if (SecretMode.FAKE_TLS == config.secret().mode() && null != config.cloak())
        {
            targets.put(config.secret().host(), config.cloak());
        }
        return targets;
    }

    /**
     * {@code --socks5}: the servers, their names resolved now (one that does not resolve is warned about and
     * skipped until a later refresh resolves it); null without the flag.
     */
    private static Socks5Chain startSocks5(final ProxyConfig config)
    {
        if (!config.socks5().isEnabled())
        {
            return null;
        }
        final Socks5Chain chain = new Socks5Chain(config.socks5().servers());
        chain.refresh();
        return chain;
    }

    private static String socks5Names(final ProxyConfig config)
    {
        final StringBuilder names = new StringBuilder();
        for (final Socks5Server server : config.socks5().servers())
        {
            names.append(names.length() > 0 ? "," : "").append(server); // host:port, never the login
        }
        return names.toString();
    }

    /**
     * @return the SOCKS5 servers Telegram is reached through ({@code --socks5}), or null when it is dialed directly.
     */
    public Socks5Chain socks5()
    {
        return socks5;
    }

    /**
     * Named users: follow edits of the secrets file (serving the new secrets, closing the connections of removed
     * users), roll quota periods, close expired users' connections and save usage, all on the control thread.
     */
    private static void watchUsers(final ProxyConfig config, final Users users, final SecretsMode mode,
        final CloakHosts cloakHosts, final ReactorGroup group, final ScheduledExecutorService control,
        final ShapeLearner shapeLearner)
    {
        users.listen(group::closeClientsOf, () ->
        {
            cloakHosts.keep(users.tlsHosts());
            if (null != shapeLearner)
            {
                shapeLearner.keep(shapeTargets(config, users));
            }
            mode.update(users.credentials(), cloakHosts.upstreams());
        });
        control.scheduleWithFixedDelay(logged(users::reloadIfChanged), USERS_POLL_MS, USERS_POLL_MS,
            TimeUnit.MILLISECONDS);
        control.scheduleWithFixedDelay(logged(users::tick), USERS_TICK_MS, USERS_TICK_MS, TimeUnit.MILLISECONDS);
        control.scheduleWithFixedDelay(logged(cloakHosts::refresh), CLOAK_REFRESH_MS, CLOAK_REFRESH_MS,
            TimeUnit.MILLISECONDS);
    }

    /**
     * @return the task, logging what it throws instead of letting it end its schedule in silence.
     */
    private static Runnable logged(final Runnable task)
    {
        return () ->
        {
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                LOG.log(System.Logger.Level.WARNING, "background task failed, it runs again on schedule", ex);
            }
        };
    }

    /**
     * @return the {@code mode} metrics and logs carry: the secret's mode, or with named users theirs when they all
     *         share one and {@code mixed} when not.
     */
    public String modeLabel()
    {
        final Set<SecretMode> modes = modes(config, users);
        return 1 == modes.size() ? modes.iterator().next().cliName() : "mixed";
    }

    /**
     * @return the modes clients are served in: the one secret's, or the named users'.
     */
    private static Set<SecretMode> modes(final ProxyConfig config, final Users users)
    {
        if (null == users)
        {
            return EnumSet.of(config.secret().mode());
        }
        final Set<SecretMode> modes = EnumSet.noneOf(SecretMode.class);
        for (final Account account : users.accounts())
        {
            modes.add(account.spec().secret().mode());
        }
        return modes;
    }

    /**
     * @return the named users ({@code --secrets}), or null when the proxy serves one secret.
     */
    public Users users()
    {
        return users;
    }

    /**
     * Read the secrets file again now (SIGHUP); a bad file is logged and changes nothing.
     *
     * @return whether the users were replaced; false too without named users.
     */
    public boolean reloadUsers()
    {
        return null != users && users.reload();
    }

    /**
     * The metrics endpoint and the statsd reporter, when configured; both read the reactors' counters through one
     * {@link ProxyStats}, each with its own snapshot.
     */
    private void startStats() throws IOException
    {
        final StatsConfig stats = config.stats();
        final ProxyStats source = new ProxyStats(reactors.reactors(), middleProxies, users, socks5, clockCheck);
        final String modeLabel = modeLabel();
        if (stats.hasEndpoint())
        {
            final List<LatencyRecorders> latencies = new ArrayList<>();
            for (final Reactor reactor : reactors.reactors())
            {
                latencies.add(reactor.latencies());
            }
            final CollectorRegistry registry = new CollectorRegistry(true);
            registry.register(new PrometheusCollector(stats.namespace(), modeLabel, source,
                ProxyStats.newSnapshot(), latencies));
            statsEndpoint = StatsEndpoint.start(stats.bind(), registry, this::isHealthy);
            LOG.log(System.Logger.Level.INFO, "stats endpoint started address={0} metrics={1} health={2} " +
                "namespace={3}", HostPort.text(statsEndpoint.address()), StatsEndpoint.METRICS_PATH,
                StatsEndpoint.HEALTH_PATH, stats.namespace());
        }
        if (stats.hasStatsd())
        {
            statsd = new StatsdReporter(stats, source, ProxyStats.newSnapshot());
            statsd.start(control, stats.statsdIntervalMs());
            LOG.log(System.Logger.Level.INFO, "statsd reporting started address={0} prefix={1} tags_format={2} " +
                "tags={3} interval={4}ms", stats.statsd(), stats.statsdPrefix(), stats.statsdTagsFormat().cliName(),
                stats.statsdTags().size(), stats.statsdIntervalMs());
            if (!stats.statsdTags().isEmpty() && StatsdTagsFormat.NONE == stats.statsdTagsFormat())
            {
                LOG.log(System.Logger.Level.WARNING, "statsd tags are given but the tags format is none: they are " +
                    "not sent; pick influxdb or datadog with --statsd-tags-format");
            }
        }
    }

    private void stopStats()
    {
        if (null != statsEndpoint)
        {
            statsEndpoint.close();
        }
        if (null != statsd)
        {
            statsd.close();
        }
    }

    /**
     * The anti-replay cache lives on the heap and grows with use up to its bound: a bound above half the heap would
     * end, days later, in an OutOfMemoryError.
     */
    private static void warnIfHeapIsSmall(final ProxyConfig config)
    {
        final long maxHeapBytes = Runtime.getRuntime().maxMemory();
        if (Long.MAX_VALUE != maxHeapBytes && config.antiReplayMaxBytes() > maxHeapBytes / 2)
        {
            LOG.log(System.Logger.Level.WARNING, "the anti-replay cache may grow to {0} bytes but the heap is only " +
                "{1} bytes: lower --anti-replay-max-size or raise -Xmx (MTG_JAVA_OPTS)", config.antiReplayMaxBytes(),
                maxHeapBytes);
        }
    }

    /**
     * @return the configuration this proxy runs with.
     */
    public ProxyConfig config()
    {
        return config;
    }

    /**
     * @return the address actually bound.
     */
    public InetSocketAddress localAddress()
    {
        return reactors.localAddress();
    }

    /**
     * @return the address the metrics endpoint is bound to (with the real port when port 0 was asked for), or null
     *         when it is off.
     */
    public InetSocketAddress statsAddress()
    {
        return null == statsEndpoint ? null : statsEndpoint.address();
    }

    /**
     * @return off-heap buffers currently leased by all reactors; 0 when no connection holds data.
     */
    public int buffersInUse()
    {
        int total = 0;
        for (final Reactor reactor : reactors.reactors())
        {
            total += reactor.buffersInUse();
        }
        return total;
    }

    /**
     * @return client connections open now.
     */
    public long activeConnections()
    {
        return sum(ReactorCounters::active);
    }

    /**
     * @return client connections accepted since start.
     */
    public long acceptedConnections()
    {
        return sum(ReactorCounters::accepted);
    }

    /**
     * @return successful client handshakes since start.
     */
    public long handshakes()
    {
        return sum(ReactorCounters::handshakes);
    }

    /**
     * @param reason a close reason.
     * @return connections closed for that reason since start.
     */
    public long closed(final CloseReason reason)
    {
        return sum(counters -> counters.closed(reason));
    }

    /**
     * @return connections closed by an unexpected exception since start.
     */
    public long crashes()
    {
        return closed(CloseReason.CRASH);
    }

    /**
     * @return middle-proxy connections open now (promoted-channel mode).
     */
    public int middleProxyConnections()
    {
        int total = 0;
        for (final Reactor reactor : reactors.reactors())
        {
            total += reactor.sharedConnections();
        }
        return total;
    }

    /**
     * @param reason why.
     * @return client connections refused at accept time, or dropped while handshaking, for that reason.
     */
    public long rejected(final RejectReason reason)
    {
        return sum(counters -> counters.rejected(reason));
    }

    /**
     * @return client connections refused at accept time because {@code --max-connections} were open.
     */
    public long rejectedConnections()
    {
        return sum(counters -> counters.rejected(RejectReason.CONNECTION_LIMIT));
    }

    /**
     * @return completes, with what was thrown, when a reactor thread dies: the proxy then serves only part of its
     *         clients and should be stopped (the command line exits with status 1). Never completes otherwise.
     *         Dependent actions run on the dying thread unless made async, so they must not call {@link #close()}.
     */
    public CompletionStage<Throwable> fatalError()
    {
        return reactors.fatalError();
    }

    /**
     * @return whether every reactor thread is alive.
     */
    public boolean isHealthy()
    {
        return reactors.isHealthy();
    }

    /**
     * @return clients that completed their handshake and then moved no byte either way within the check's window.
     */
    public long silentAfterHandshake()
    {
        return sum(ReactorCounters::silentAfterHandshake);
    }

    /**
     * @return connections fronted to the cloak host since start.
     */
    public long cloakedConnections()
    {
        return sum(ReactorCounters::cloaked);
    }

    /**
     * @param failure a handshake failure.
     * @return handshakes refused for it since start.
     */
    public long handshakeFailures(final HandshakeFailure failure)
    {
        return sum(counters -> counters.handshakeFailures(failure));
    }

    private long sum(final ToLongFunction<ReactorCounters> counter)
    {
        long total = 0;
        for (final Reactor reactor : reactors.reactors())
        {
            total += counter.applyAsLong(reactor.counters());
        }
        return total;
    }

    /**
     * Stop gracefully: refuse new clients at once (the listening socket is closed), let open connections carry on
     * for up to {@link ProxyConfig#shutdownTimeoutMs()}, then {@link #close()} whatever is left. A {@link #close()}
     * from another thread cuts the wait short. Later calls wait for the first one's close.
     *
     * @return true when every connection ended by itself within the timeout.
     */
    public boolean shutdown()
    {
        if (!shutdownStarted.compareAndSet(false, true))
        {
            awaitClosed();
            return false;
        }
        final long timeoutMs = config.shutdownTimeoutMs();
        LOG.log(System.Logger.Level.INFO, "shutting down: new connections are refused, {0} open may finish " +
            "within {1} ms", reactors.openConnections(), timeoutMs);
        reactors.stopAccepting();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        boolean drained = 0 == reactors.openConnections();
        try
        {
            while (!drained && System.nanoTime() - deadlineNs < 0 &&
                !closing.await(DRAIN_POLL_MS, TimeUnit.MILLISECONDS))
            {
                drained = 0 == reactors.openConnections();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (drained)
        {
            LOG.log(System.Logger.Level.INFO, "every connection finished");
        }
        else
        {
            LOG.log(System.Logger.Level.INFO, "shutdown timeout: closing {0} open connections",
                reactors.openConnections());
        }
        close();
        return drained;
    }

    /**
     * Stop at once: every connection is closed. Idempotent and safe from any thread but a reactor's; a second
     * caller waits until the first has finished.
     */
    @Override
    public void close()
    {
        if (!closeStarted.compareAndSet(false, true))
        {
            awaitClosed();
            return;
        }
        closing.countDown();
        try
        {
            control.shutdownNow();
            if (null != shapeLearner)
            {
                shapeLearner.close();
            }
            stopStats();
            reactors.close();
            if (null != savedReplay)
            {
                savedReplay.saveIfChanged(); // after the reactors: no handshake is recorded any more
            }
            if (null != users)
            {
                users.save(); // after the reactors: every connection is closed and counted
                cloakHosts.close();
            }
            LOG.log(System.Logger.Level.INFO, "proxy stopped");
        }
        finally
        {
            closed.countDown();
        }
    }

    private void awaitClosed()
    {
        try
        {
            closed.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
