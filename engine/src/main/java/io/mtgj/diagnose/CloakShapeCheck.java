package io.mtgj.diagnose;

import io.mtgj.faketls.ServerHelloShape;
import io.mtgj.tlsshape.ShapeLearner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the proxy learns from its cloak host to shape its FakeTLS answer: the host's cipher, its ServerHello's
 * extensions and the records of its first flight, from one real TLS 1.3 handshake, as the running proxy does it.
 * Without it the proxy keeps its built-in answer, which an observer comparing with the real site can tell apart.
 */
public final class CloakShapeCheck implements Check
{
    private static final String NAME = "cloak shape";

    private final String serverName;
    private final String host;
    private final int port;
    private final int timeoutMs;

    /**
     * @param serverName the SNI to send: the secret's hostname.
     * @param host       where to connect ({@code --cloak-host}, else the secret's hostname).
     * @param port       its port ({@code --cloak-port}).
     * @param timeoutMs  time allowed to connect, and then for each read.
     */
    public CloakShapeCheck(final String serverName, final String host, final int port, final int timeoutMs)
    {
        this.serverName = serverName;
        this.host = host;
        this.port = port;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public List<Finding> run()
    {
        final String where = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        try
        {
            final ServerHelloShape shape = ShapeLearner.learnOnce(new InetSocketAddress(host, port), serverName,
                timeoutMs);
            return List.of(Finding.ok(NAME, where + " answers " + shape.describe() + "; the proxy's FakeTLS " +
                "answer follows it"));
        }
        catch (final IOException | RuntimeException ex)
        {
            return List.of(Finding.warn(NAME, where + " (SNI " + serverName + "): no shape learned: " +
                ex.getMessage(), "the proxy keeps its built-in answer, which differs from the real site's: pick a " +
                "cloak host that speaks TLS 1.3 (--cloak-host/--cloak-port, or a secret for another host)"));
        }
    }
}
