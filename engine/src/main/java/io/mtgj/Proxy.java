package io.mtgj;

import io.mtgj.config.ProxyConfig;
import io.mtgj.mode.Obfuscated2Mode;
import io.mtgj.net.ClientMode;
import io.mtgj.net.CloseReason;
import io.mtgj.net.Reactor;
import io.mtgj.net.ReactorGroup;
import io.mtgj.secret.SecretMode;
import io.mtgj.telegram.DcTable;
import io.mtgj.telegram.DirectUpstream;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A running proxy: the one public entry of the engine. {@link #start(ProxyConfig)} binds and starts the reactors;
 * {@link #close()} stops them and closes every connection.
 */
public final class Proxy implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.proxy");

    private final ProxyConfig config;
    private final ReactorGroup reactors;

    private Proxy(final ProxyConfig config, final ReactorGroup reactors)
    {
        this.config = config;
        this.reactors = reactors;
    }

    /**
     * @param config validated configuration.
     * @return the running proxy.
     * @throws IOException when the listening socket cannot be bound.
     */
    public static Proxy start(final ProxyConfig config) throws IOException
    {
        final ClientMode mode = clientMode(config);
        final DirectUpstream upstream = new DirectUpstream(DcTable.create(config.preferIp(), config.dcAddresses()));
        if (null != config.adTag())
        {
            LOG.log(System.Logger.Level.WARNING,
                "an ad tag was given but promoted-channel (middle proxy) mode is not available yet: " +
                "running in direct mode, the sponsored channel will not be shown");
        }
        final ReactorGroup group = new ReactorGroup(config, mode, upstream);
        final Proxy proxy = new Proxy(config, group);
        LOG.log(System.Logger.Level.INFO, "proxy started bind={0} mode={1} workers={2} read_buffer={3} " +
            "write_buffer={4} prefer_ip={5}", hostPort(proxy.localAddress()), config.secret().mode().cliName(),
            config.workers(), config.readBufferBytes(), config.writeBufferBytes(), config.preferIp().cliName());
        return proxy;
    }

    private static String hostPort(final InetSocketAddress address)
    {
        final String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static ClientMode clientMode(final ProxyConfig config)
    {
        if (SecretMode.FAKE_TLS == config.secret().mode())
        {
            throw new IllegalArgumentException("tls secrets (FakeTLS) are not supported yet; use a simple or secured secret");
        }
        return new Obfuscated2Mode(config.secret());
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
        long total = 0;
        for (final Reactor reactor : reactors.reactors())
        {
            total += reactor.counters().active();
        }
        return total;
    }

    /**
     * @return client connections accepted since start.
     */
    public long acceptedConnections()
    {
        long total = 0;
        for (final Reactor reactor : reactors.reactors())
        {
            total += reactor.counters().accepted();
        }
        return total;
    }

    /**
     * @return successful client handshakes since start.
     */
    public long handshakes()
    {
        long total = 0;
        for (final Reactor reactor : reactors.reactors())
        {
            total += reactor.counters().handshakes();
        }
        return total;
    }

    /**
     * @param reason a close reason.
     * @return connections closed for that reason since start.
     */
    public long closed(final CloseReason reason)
    {
        long total = 0;
        for (final Reactor reactor : reactors.reactors())
        {
            total += reactor.counters().closed(reason);
        }
        return total;
    }

    /**
     * @return connections closed by an unexpected exception since start.
     */
    public long crashes()
    {
        return closed(CloseReason.CRASH);
    }

    /**
     * @return whether every reactor thread is alive.
     */
    public boolean isHealthy()
    {
        return reactors.isHealthy();
    }

    @Override
    public void close()
    {
        reactors.close();
        LOG.log(System.Logger.Level.INFO, "proxy stopped");
    }
}
