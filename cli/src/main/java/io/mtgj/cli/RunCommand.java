package io.mtgj.cli;

import io.mtgj.Proxy;
import io.mtgj.access.CidrSet;
import io.mtgj.cli.FlagValues.Value;
import io.mtgj.config.ByteSize;
import io.mtgj.config.ClientIpLogging;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.Durations;
import io.mtgj.config.HelloPolicy;
import io.mtgj.config.HostPort;
import io.mtgj.config.Listening;
import io.mtgj.config.MiddleProxyUrls;
import io.mtgj.config.PreferIp;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.ProxyProtocolSettings;
import io.mtgj.config.Socks5Server;
import io.mtgj.config.StatsConfig;
import io.mtgj.config.StatsdTagsFormat;
import io.mtgj.config.TlsShapeSettings;
import io.mtgj.config.UnknownSni;
import io.mtgj.publicip.IpLiteral;
import io.mtgj.publicip.PublicIpDetector;
import io.mtgj.stats.StatsBindException;
import io.mtgj.users.Account;
import io.mtgj.users.Users;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static io.mtgj.cli.CommandLineError.usage;

/**
 * {@code mtg run [flags] <secret> [adtag]}: reads flags and their {@code MTG_*} variables ({@link RunFlag}), starts
 * the proxy, prints its links on stdout and blocks until the process is asked to stop. Every bad value ends the
 * command before anything starts, with one line naming it.
 */
final class RunCommand
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.cli");
    private static final int MAX_DC = Short.MAX_VALUE;

    private RunCommand()
    {
    }

    /**
     * Run until the proxy is stopped: in production by the signal handlers {@code onStarted} installs
     * ({@link Running#shutdown()}), or because a reactor thread died.
     *
     * @param args      arguments after {@code run}.
     * @param env       environment variables.
     * @param out       where links (or the help) go.
     * @param err       where an error line goes.
     * @param onStarted told about the running proxy before this method blocks.
     * @return exit status: 0 after a stop, 1 when a reactor thread died or the proxy could not listen, 2 for bad
     *         input.
     */
    static int execute(
        final String[] args,
        final Map<String, String> env,
        final PrintStream out,
        final PrintStream err,
        final Consumer<Running> onStarted)
    {
        final Running running;
        try
        {
            final CommandLine commandLine = parse(args);
            if (commandLine.hasOption(RunFlag.HELP.longName()))
            {
                out.print(RunFlag.usage());
                return Main.STATUS_OK;
            }
            running = start(plan(commandLine, env), out);
        }
        catch (final CommandLineError ex)
        {
            err.println("mtg: " + ex.getMessage());
            return ex.status();
        }
        onStarted.accept(running);
        return running.awaitStop();
    }

    /**
     * Start the proxy and print its links without blocking; {@code --help} is not handled here.
     *
     * @param args arguments after {@code run}.
     * @param env  environment variables.
     * @param out  where links go.
     * @return the running proxy; the caller closes it.
     * @throws CommandLineError when an input is bad or the proxy cannot listen.
     */
    static Running start(final String[] args, final Map<String, String> env, final PrintStream out)
        throws CommandLineError
    {
        return start(plan(parse(args), env), out);
    }

    /**
     * Read and check every input without starting anything (resolving {@code --bind} and {@code --dc-address} hosts).
     *
     * @param args arguments after {@code run}.
     * @param env  environment variables.
     * @return what to start.
     * @throws CommandLineError naming the first bad value.
     */
    static Plan plan(final String[] args, final Map<String, String> env) throws CommandLineError
    {
        return plan(parse(args), env);
    }

    /**
     * @param args run's flags and arguments (doctor takes the same).
     * @return them parsed against run's flags.
     * @throws CommandLineError naming an unknown or incomplete flag.
     */
    static CommandLine parse(final String[] args) throws CommandLineError
    {
        try
        {
            return DefaultParser.builder().setAllowPartialMatching(false).get()
                .parse(RunFlag.commandLineOptions(), args, false);
        }
        catch (final ParseException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private static Plan plan(final CommandLine commandLine, final Map<String, String> env) throws CommandLineError
    {
        final FlagValues flags = new FlagValues(commandLine, env);
        final ProxyConfig.Builder builder = SecretSource.builder(commandLine.getArgList(),
            flags.value(RunFlag.SECRETS), flags.value(RunFlag.STATE_DIR));

        flags.ifGiven(RunFlag.LOG_CLIENT_IP,
            v -> builder.logClientIp(FlagValues.parse(v,
                text -> ClientIpLogging.fromCliName(text.toLowerCase(Locale.ROOT)))));
        final boolean debug = flags.isOn(RunFlag.DEBUG);
        final boolean verbose = flags.isOn(RunFlag.VERBOSE);

        flags.ifGiven(RunFlag.BIND,
            v -> builder.bind(resolve(v, FlagValues.parse(v, text -> HostPort.parse(text, false)))));
        builder.listening(listening(flags.isOn(RunFlag.REUSE_PORT), env));
        flags.ifGiven(RunFlag.WRITE_BUFFER, v -> builder.writeBufferBytes(FlagValues.parse(v, ByteSize::parse)));
        flags.ifGiven(RunFlag.READ_BUFFER, v -> builder.readBufferBytes(FlagValues.parse(v, ByteSize::parse)));
        flags.ifGiven(RunFlag.BUFFER_MEMORY, v -> builder.bufferMemoryBytes(FlagValues.parse(v, ByteSize::parse)));
        flags.ifGiven(RunFlag.PREFER_IP, v -> builder.preferIp(parsePreferIp(v)));
        for (final Value dcAddress : flags.values(RunFlag.DC_ADDRESS))
        {
            addDcAddress(builder, dcAddress);
        }
        planSocks5(builder, flags);
        flags.ifGiven(RunFlag.WORKERS, v -> builder.workers(parseWholeNumber(v, "worker count")));
        flags.ifGiven(RunFlag.MAX_CONNECTIONS_PER_IP,
            v -> builder.maxConnectionsPerIp(parseWholeNumber(v, "connection count")));
        flags.ifGiven(RunFlag.MAX_HANDSHAKES, v -> builder.maxHandshakes(parseWholeNumber(v, "handshake count")));
        builder.accessLists(flags.texts(RunFlag.ALLOW_CIDR), flags.texts(RunFlag.DENY_CIDR),
            flags.paths(RunFlag.BLOCKLIST));
        builder.cloakDenied(flags.isOn(RunFlag.CLOAK_DENIED));
        builder.proxyProtocol(planProxyProtocol(flags));
        flags.ifGiven(RunFlag.MAX_CONNECTIONS, v -> builder.maxConnections(parsePositive(v, "connection count")));
        flags.ifGiven(RunFlag.HANDSHAKE_TIMEOUT,
            v -> builder.handshakeTimeoutMs(FlagValues.parse(v, Durations::parseMs)));
        flags.ifGiven(RunFlag.DIAL_TIMEOUT, v -> builder.dialTimeoutMs(FlagValues.parse(v, Durations::parseMs)));
        flags.ifGiven(RunFlag.IDLE_TIMEOUT, v -> builder.idleTimeoutMs(FlagValues.parse(v, Durations::parseMs)));
        flags.ifGiven(RunFlag.STALL_TIMEOUT, v -> builder.stallTimeoutMs(FlagValues.parse(v, Durations::parseMs)));
        flags.ifGiven(RunFlag.SHUTDOWN_TIMEOUT,
            v -> builder.shutdownTimeoutMs(FlagValues.parse(v, Durations::parseMs)));
        flags.ifGiven(RunFlag.CLOAK_HOST, v -> builder.cloakHost(parseCloakHost(v)));
        flags.ifGiven(RunFlag.CLOAK_PORT, v -> builder.cloakPort(parseWholeNumber(v, "port")));
        builder.tlsShape(TlsShapeSettings.DEFAULT.withSizedRecords(!flags.isOn(RunFlag.NO_TLS_SHAPING)));
        flags.ifGiven(RunFlag.ANTI_REPLAY_MAX_SIZE,
            v -> builder.antiReplayMaxBytes(FlagValues.parse(v, ByteSize::parse)));
        builder.helloPolicy(planHelloPolicy(flags));
        final List<Value> ntpServers = flags.values(RunFlag.NTP_SERVER);
        if (!ntpServers.isEmpty())
        {
            final List<String> servers = new ArrayList<>();
            for (final Value server : ntpServers)
            {
                servers.add(FlagValues.parse(server, text -> HostPort.parse(text, true)).toString());
            }
            builder.ntpServers(servers);
        }
        builder.stats(planStats(flags));

        try
        {
            builder.middleProxyUrls(MiddleProxyUrls.parse(
                flags.textOr(RunFlag.MIDDLE_PROXY_SECRET_URL, MiddleProxyUrls.DEFAULT_SECRET_URL),
                flags.textOr(RunFlag.MIDDLE_PROXY_CONFIG_URL, MiddleProxyUrls.DEFAULT_CONFIG_URL),
                flags.textOr(RunFlag.MIDDLE_PROXY_CONFIG_URL_V6, MiddleProxyUrls.DEFAULT_CONFIG_URL_V6)));
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
        flags.ifGiven(RunFlag.MULTIPLEX_PER_CONNECTION,
            v -> builder.multiplexPerConnection(parseWholeNumber(v, "client count")));

        final Value ipv4 = flags.value(RunFlag.PUBLIC_IPV4);
        final Value ipv6 = flags.value(RunFlag.PUBLIC_IPV6);
        final Value url = flags.value(RunFlag.PUBLIC_IP_URL);
        final PublicAddress publicIpv4 = null == ipv4 ? null : parsePublicAddress(ipv4, false);
        if (null != publicIpv4)
        {
            builder.publicIpv4(publicIpv4.address()); // behind NAT the middle proxy's keys need it
        }

        final ProxyConfig config;
        try
        {
            config = builder.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
        return new Plan(
            config,
            publicIpv4,
            null == ipv6 ? null : parsePublicAddress(ipv6, true),
            null == url ? PublicIpDetector.DEFAULT_URL : parseUrl(url),
            debug ? System.Logger.Level.TRACE : verbose ? System.Logger.Level.DEBUG : System.Logger.Level.INFO);
    }

    /**
     * {@code --proxy-protocol} and the load balancers allowed to use it, each network checked as it is read.
     */
    private static ProxyProtocolSettings planProxyProtocol(final FlagValues flags) throws CommandLineError
    {
        final List<String> from = new ArrayList<>();
        for (final Value network : flags.values(RunFlag.PROXY_PROTOCOL_FROM))
        {
            from.add(FlagValues.parse(network, RunCommand::checkNetwork));
        }
        try
        {
            return new ProxyProtocolSettings(flags.isOn(RunFlag.PROXY_PROTOCOL), from,
                ProxyProtocolSettings.DEFAULT_HEADER_TIMEOUT_MS);
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private static String checkNetwork(final String text)
    {
        CidrSet.parse(List.of(text)); // throws naming it when it is not a network
        return text;
    }

    /**
     * The Prometheus endpoint and statsd flags; each value is checked as it is read, so its error names it.
     */
    private static StatsConfig planStats(final FlagValues flags)
        throws CommandLineError
    {
        final StatsConfig.Builder stats = StatsConfig.builder();
        flags.ifGiven(RunFlag.STATS_BIND,
            v -> stats.bind(resolve(v, FlagValues.parse(v, text -> HostPort.parse(text, false)))));
        flags.ifGiven(RunFlag.STATS_NAMESPACE, v -> stats.namespace(FlagValues.parse(v, StatsConfig::checkNamespace)));
        flags.ifGiven(RunFlag.STATSD_ADDR, v -> stats.statsdHost(FlagValues.parse(v, StatsConfig::checkStatsdHost)));
        flags.ifGiven(RunFlag.STATSD_PORT, v -> stats.statsdPort(parseWholeNumber(v, "port")));
        flags.ifGiven(RunFlag.STATSD_PREFIX,
            v -> stats.statsdPrefix(FlagValues.parse(v, StatsConfig::checkStatsdPrefix)));
        flags.ifGiven(RunFlag.STATSD_TAGS_FORMAT, v -> stats.statsdTagsFormat(
            FlagValues.parse(v, text -> StatsdTagsFormat.fromCliName(text.toLowerCase(Locale.ROOT)))));
        for (final Value tag : flags.values(RunFlag.STATSD_TAGS))
        {
            final Map.Entry<String, String> keyValue = FlagValues.parse(tag, StatsConfig::parseTag);
            try
            {
                stats.statsdTag(keyValue.getKey(), keyValue.getValue());
            }
            catch (final IllegalArgumentException ex)
            {
                throw FlagValues.bad(tag, ex);
            }
        }
        flags.ifGiven(RunFlag.STATSD_INTERVAL, v -> stats.statsdIntervalMs(FlagValues.parse(v, Durations::parseMs)));
        try
        {
            return stats.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    /**
     * A listening socket on standard input is systemd's (socket activation with {@code StandardInput=socket}): it is
     * used, whatever {@code --bind} says, so restarts queue new clients instead of refusing them.
     */
    private static Listening listening(final boolean reusePort, final Map<String, String> env)
    {
        try
        {
            if (System.inheritedChannel() instanceof java.nio.channels.ServerSocketChannel)
            {
                return Listening.INHERITED;
            }
        }
        catch (final IOException | SecurityException ex)
        {
            // nothing usable inherited
        }
        if (null != env.get("LISTEN_FDS"))
        {
            System.getLogger("io.mtgj.cli").log(System.Logger.Level.WARNING, "systemd passed sockets as LISTEN_FDS, " +
                "which mtg does not take: add StandardInput=socket to the service (as deploy/systemd/mtg.service " +
                "does) for socket activation; binding --bind instead");
        }
        return reusePort ? Listening.REUSE_PORT : Listening.BIND;
    }

    private static Running start(final Plan plan, final PrintStream out) throws CommandLineError
    {
        ConsoleLoggerFinder.threshold(plan.logLevel());
        final Proxy proxy;
        try
        {
            proxy = Proxy.start(plan.config());
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
        catch (final java.io.UncheckedIOException ex)
        {
            // the state directory: it exists but cannot be written, or its usage file cannot be read
            throw new CommandLineError(Main.STATUS_FAILURE, "cannot use " + RunFlag.STATE_DIR.flagName() + " " +
                plan.config().stateDir() + ": " + ex.getMessage());
        }
        catch (final StatsBindException ex)
        {
            throw new CommandLineError(Main.STATUS_FAILURE,
                "cannot listen on " + HostPort.text(ex.address()) + " (" + RunFlag.STATS_BIND.flagName() + "): " +
                ex.getMessage());
        }
        catch (final IOException ex)
        {
            throw new CommandLineError(Main.STATUS_FAILURE,
                "cannot listen on " + HostPort.text(plan.config().bind()) + ": " + ex.getMessage());
        }
        try
        {
            final List<InetSocketAddress> servers = publicAddresses(plan, proxy.localAddress());
            final List<String> links = null == proxy.users() ?
                LinkPrinter.links(servers, plan.config().secret().toHex()) : userLinks(proxy.users(), servers);
            for (final String link : links)
            {
                out.println(link);
            }
            out.flush();
            return new Running(proxy, links);
        }
        catch (final RuntimeException | Error ex)
        {
            proxy.close();
            throw ex;
        }
    }

    /**
     * @return each named user's links, in the order of the secrets file, each after the user's name.
     */
    private static List<String> userLinks(final Users users, final List<InetSocketAddress> servers)
    {
        final List<String> links = new ArrayList<>();
        for (final Account account : users.accounts())
        {
            for (final String link : LinkPrinter.links(servers, account.spec().secret().toHex()))
            {
                links.add(account.name() + " " + link);
            }
        }
        return links;
    }

    private static List<InetSocketAddress> publicAddresses(final Plan plan, final InetSocketAddress bound)
    {
        final PublicIpDetector detector = new PublicIpDetector();
        final CompletableFuture<InetAddress> detected6 = null != plan.publicIpv6() ?
            CompletableFuture.completedFuture(null) :
            CompletableFuture.supplyAsync(
                () -> detector.detect(plan.publicIpUrl(), true, PublicIpDetector.DEFAULT_TIMEOUT),
                RunCommand::startDetectionThread);
        final InetAddress detected4 = null != plan.publicIpv4() ? null :
            detector.detect(plan.publicIpUrl(), false, PublicIpDetector.DEFAULT_TIMEOUT);

        final List<InetSocketAddress> servers = new ArrayList<>(2);
        addPublicAddress(servers, plan.publicIpv4(), detected4, bound, plan.publicIpUrl(), "IPv4", "-4/--public-ipv4",
            RunFlag.PUBLIC_IPV4);
        addPublicAddress(servers, plan.publicIpv6(), detected6.join(), bound, plan.publicIpUrl(), "IPv6",
            "-6/--public-ipv6", RunFlag.PUBLIC_IPV6);
        if (servers.isEmpty())
        {
            InetAddress host = bound.getAddress();
            if (host.isAnyLocalAddress())
            {
                host = InetAddress.getLoopbackAddress();
                LOG.log(System.Logger.Level.WARNING, "no public address known and the proxy listens on every " +
                    "address: the links use {0}, which only works on this machine; pass -4/-6 with the public " +
                    "address", host.getHostAddress());
            }
            else
            {
                LOG.log(System.Logger.Level.WARNING, "no public address known: the links use the bind address {0}; " +
                    "pass -4/-6 with the public address", host.getHostAddress());
            }
            servers.add(new InetSocketAddress(host, bound.getPort()));
        }
        return servers;
    }

    private static void startDetectionThread(final Runnable detection)
    {
        final Thread thread = new Thread(detection, "mtg-public-ip");
        thread.setDaemon(true);
        thread.start();
    }

    private static void addPublicAddress(
        final List<InetSocketAddress> servers,
        final PublicAddress given,
        final InetAddress detected,
        final InetSocketAddress bound,
        final URI url,
        final String family,
        final String flags,
        final RunFlag flag)
    {
        if (null != given)
        {
            servers.add(new InetSocketAddress(given.address(), given.hasPort() ? given.port() : bound.getPort()));
        }
        else if (null != detected)
        {
            LOG.log(System.Logger.Level.INFO, "public {0} address detected address={1}", family,
                detected.getHostAddress());
            servers.add(new InetSocketAddress(detected, bound.getPort()));
        }
        else
        {
            LOG.log(System.Logger.Level.WARNING, "could not detect the public {0} address from {1}; pass {2} " +
                "(or {3}) to get {0} links", family, url, flags, flag.envName());
        }
    }

    /**
     * {@code --socks5}: each value checked on its own, so an error says where it came from (never its login).
     */
    private static void planSocks5(final ProxyConfig.Builder builder, final FlagValues flags) throws CommandLineError
    {
        for (final Value server : flags.values(RunFlag.SOCKS5))
        {
            FlagValues.parse(server, Socks5Server::parse);
        }
        try
        {
            builder.socks5(flags.texts(RunFlag.SOCKS5));
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private static InetSocketAddress resolve(final Value value, final HostPort hostPort) throws CommandLineError
    {
        try
        {
            return hostPort.resolve();
        }
        catch (final IllegalArgumentException ex)
        {
            throw FlagValues.bad(value, ex);
        }
    }

    private static int parseWholeNumber(final Value value, final String what) throws CommandLineError
    {
        try
        {
            return Integer.parseInt(value.text().trim());
        }
        catch (final NumberFormatException ex)
        {
            throw usage(value.origin() + ": bad " + what + " '" + value.text() + "': expected a whole number");
        }
    }

    private static int parsePositive(final Value value, final String what) throws CommandLineError
    {
        final int number = parseWholeNumber(value, what);
        if (number < 1)
        {
            throw usage(value.origin() + ": bad " + what + " '" + value.text() + "': expected at least 1");
        }
        return number;
    }

    private static String parseCloakHost(final Value value) throws CommandLineError
    {
        final HostPort hostPort = FlagValues.parse(value, text -> HostPort.parse(text, true));
        if (hostPort.hasPort())
        {
            throw usage(value.origin() + ": bad host '" + value.text() + "': give the port with --cloak-port");
        }
        return hostPort.host();
    }

    /**
     * {@code --tolerate-time-skewness} and {@code --unknown-sni}, each its default when not given.
     */
    private static HelloPolicy planHelloPolicy(final FlagValues flags) throws CommandLineError
    {
        final Value window = flags.value(RunFlag.TOLERATE_TIME_SKEWNESS);
        final Value unknownSni = flags.value(RunFlag.UNKNOWN_SNI);
        return new HelloPolicy(null == window ? ClockWindow.DEFAULT : FlagValues.parse(window, ClockWindow::parse),
            null == unknownSni ? UnknownSni.CLOAK :
            FlagValues.parse(unknownSni, text -> UnknownSni.fromCliName(text.toLowerCase(Locale.ROOT))));
    }

    private static PreferIp parsePreferIp(final Value value) throws CommandLineError
    {
        try
        {
            return PreferIp.fromCliName(value.text().trim().toLowerCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(value.origin() + ": bad value '" + value.text() +
                "' (expected ipv4, ipv6, only-ipv4 or only-ipv6)");
        }
    }

    private static URI parseUrl(final Value value) throws CommandLineError
    {
        try
        {
            return PublicIpDetector.checkUrl(new URI(value.text().trim()));
        }
        catch (final URISyntaxException ex)
        {
            throw usage(value.origin() + ": bad URL '" + value.text() + "': " + ex.getReason());
        }
        catch (final IllegalArgumentException ex)
        {
            throw FlagValues.bad(value, ex);
        }
    }

    private static void addDcAddress(final ProxyConfig.Builder builder, final Value value) throws CommandLineError
    {
        final String text = value.text().trim();
        final int equals = text.indexOf('=');
        if (equals < 0)
        {
            throw usage(value.origin() + ": bad DC address '" + text + "': expected DC=HOST:PORT, e.g. " +
                "2=149.154.167.51:443");
        }
        final String dcText = text.substring(0, equals).trim();
        final int dc;
        try
        {
            dc = Integer.parseInt(dcText);
        }
        catch (final NumberFormatException ex)
        {
            throw usage(value.origin() + ": bad DC number '" + dcText + "' in '" + text + "': expected 1.." + MAX_DC);
        }
        if (dc < 1 || dc > MAX_DC)
        {
            throw usage(value.origin() + ": bad DC number '" + dcText + "' in '" + text + "': expected 1.." + MAX_DC);
        }
        final Value address = new Value(text.substring(equals + 1), value.origin());
        final HostPort hostPort = FlagValues.parse(address, hostAndPort -> HostPort.parse(hostAndPort, false));
        if (0 == hostPort.port())
        {
            throw usage(value.origin() + ": bad port 0 in '" + text + "'");
        }
        builder.dcAddress(dc, resolve(address, hostPort));
    }

    private static PublicAddress parsePublicAddress(final Value value, final boolean ipv6) throws CommandLineError
    {
        final HostPort hostPort = FlagValues.parse(value, text -> HostPort.parse(text, true));
        final InetAddress address = IpLiteral.parse(hostPort.host(), ipv6);
        if (null == address)
        {
            throw usage(value.origin() + ": '" + hostPort.host() + "' is not an " + (ipv6 ? "IPv6" : "IPv4") +
                " address (expected " + (ipv6 ? "IP or [IP]:PORT" : "IP or IP:PORT") + ")");
        }
        if (0 == hostPort.port())
        {
            throw usage(value.origin() + ": bad port 0 in '" + value.text() + "'");
        }
        return new PublicAddress(address, hostPort.port());
    }

    /**
     * An address clients reach the proxy at, from {@code -4}/{@code -6}.
     *
     * @param address the public address.
     * @param port    the public port, or -1 for the port the proxy is bound to.
     */
    record PublicAddress(InetAddress address, int port)
    {
        /**
         * @return whether a port was given.
         */
        boolean hasPort()
        {
            return port > 0;
        }
    }

    /**
     * Everything read from the command line and the environment, checked, before anything starts.
     *
     * @param config      the proxy configuration.
     * @param publicIpv4  the given IPv4 address, or null to detect it.
     * @param publicIpv6  the given IPv6 address, or null to detect it.
     * @param publicIpUrl the detection service.
     * @param logLevel    the console threshold.
     */
    record Plan(
        ProxyConfig config,
        PublicAddress publicIpv4,
        PublicAddress publicIpv6,
        URI publicIpUrl,
        System.Logger.Level logLevel)
    {
    }

    /**
     * A started proxy and the links printed for it, until it is stopped: gracefully by {@link #shutdown()} (SIGTERM,
     * SIGINT; status 0), at once by {@link #close()}, or because a reactor thread died (status 1). Whichever comes
     * first releases {@link #awaitStop()}.
     */
    static final class Running implements AutoCloseable
    {
        private final Proxy proxy;
        private final List<String> links;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final AtomicBoolean shutdownAsked = new AtomicBoolean();
        private final AtomicReference<Throwable> fatalError = new AtomicReference<>();

        Running(final Proxy proxy, final List<String> links)
        {
            this.proxy = proxy;
            this.links = List.copyOf(links);
            // runs on the dying reactor thread: only record and wake the waiting thread, which closes the proxy
            proxy.fatalError().thenAccept(this::onFatalError);
        }

        /**
         * @return the proxy.
         */
        Proxy proxy()
        {
            return proxy;
        }

        /**
         * @return the links printed, in order.
         */
        List<String> links()
        {
            return links;
        }

        /**
         * Block until the proxy is stopped, close it if it is not yet, and say how it ended. An interrupt closes
         * the proxy and returns.
         *
         * @return {@link Main#STATUS_OK}, or {@link Main#STATUS_FAILURE} when a reactor thread died.
         */
        int awaitStop()
        {
            try
            {
                stopped.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            close();
            final Throwable error = fatalError.get();
            if (null != error)
            {
                LOG.log(System.Logger.Level.ERROR, "stopped because a reactor thread died ({0}): exit status {1}",
                    error.toString(), Main.STATUS_FAILURE);
                return Main.STATUS_FAILURE;
            }
            return Main.STATUS_OK;
        }

        /**
         * A graceful stop, for SIGTERM and SIGINT: the first call refuses new clients, lets open connections finish
         * within {@code --shutdown-timeout}, closes the rest and returns when the proxy is stopped; a later call (a
         * second signal) closes everything at once.
         */
        void shutdown()
        {
            if (shutdownAsked.compareAndSet(false, true))
            {
                try
                {
                    proxy.shutdown();
                }
                finally
                {
                    stopped.countDown();
                }
            }
            else
            {
                LOG.log(System.Logger.Level.INFO, "asked again to stop: closing every connection now");
                close();
            }
        }

        /**
         * A reactor thread died: wake {@link #awaitStop()}, which closes the proxy and reports the failure.
         *
         * @param error what the thread threw.
         */
        void onFatalError(final Throwable error)
        {
            fatalError.compareAndSet(null, error);
            stopped.countDown();
        }

        /**
         * Stop the proxy at once; idempotent, and a second caller returns once the proxy is closed.
         */
        @Override
        public void close()
        {
            try
            {
                proxy.close();
            }
            finally
            {
                stopped.countDown();
            }
        }
    }
}
