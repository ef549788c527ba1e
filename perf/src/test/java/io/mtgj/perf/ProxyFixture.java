package io.mtgj.perf;

import io.mtgj.Proxy;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.TlsShapeSettings;
import io.mtgj.secret.Secret;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

/**
 * A proxy on 127.0.0.1 with DC 2 pointed at an in-process {@link FakeDc}.
 */
final class ProxyFixture implements AutoCloseable
{
    final FakeDc dc;
    final Proxy proxy;
    final Secret secret;

    private ProxyFixture(final FakeDc dc, final Proxy proxy, final Secret secret)
    {
        this.dc = dc;
        this.proxy = proxy;
        this.secret = secret;
    }

    static ProxyFixture start(final Secret secret) throws IOException
    {
        return start(secret, UnaryOperator.identity());
    }

    static ProxyFixture start(final Secret secret, final UnaryOperator<ProxyConfig.Builder> tweak) throws IOException
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final FakeDc dc = FakeDc.start(new InetSocketAddress(loopback, 0));
        try
        {
            // Never leave loopback: no NTP, and a cloak host on 127.0.0.1 (port 1: nothing listens) unless a test
            // gives its own.
            final ProxyConfig config = tweak.apply(ProxyConfig.builder(secret)
                .bind(new InetSocketAddress(loopback, 0))
                .workers(2)
                .dcAddress(2, dc.address())
                .ntpServers(java.util.List.of())
                .cloakHost("127.0.0.1")
                .cloakPort(1)
                .tlsShape(TlsShapeSettings.DEFAULT.withLearning(false))) // no handshakes at other tests' cloak hosts
                .build();
            return new ProxyFixture(dc, Proxy.start(config), secret);
        }
        catch (final IOException | RuntimeException ex)
        {
            dc.close();
            throw ex;
        }
    }

    InetSocketAddress address()
    {
        return proxy.localAddress();
    }

    void awaitQuiet()
    {
        Await.until("connections to close and buffers to return", 10_000,
            () -> proxy.activeConnections() == 0 && proxy.buffersInUse() == 0);
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            proxy.close();
        }
        finally
        {
            dc.close();
        }
    }
}
