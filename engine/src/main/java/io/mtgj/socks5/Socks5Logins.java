package io.mtgj.socks5;

import io.mtgj.config.Socks5Server;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Gives the JDK's own SOCKS client (used for the HTTPS fetches of promoted-channel mode's configuration, through
 * {@link Socks5Chain#httpProxy()}) the login of the configured server it asks about, and nothing for any other
 * request. The JDK asks only the process-wide default authenticator, so {@link #install} sets it, unless one is
 * already set.
 */
final class Socks5Logins extends Authenticator
{
    private static final String SOCKS5 = "SOCKS5";

    private final List<Socks5Relay> relays;

    private Socks5Logins(final List<Socks5Relay> relays)
    {
        this.relays = relays;
    }

    /**
     * @return whether the JDK will find the logins: installed now, or nothing to install.
     */
    static boolean install(final List<Socks5Relay> relays)
    {
        boolean anyLogin = false;
        for (final Socks5Relay relay : relays)
        {
            anyLogin |= relay.server().hasLogin();
        }
        if (!anyLogin)
        {
            return true;
        }
        synchronized (Authenticator.class)
        {
            if (null != Authenticator.getDefault())
            {
                return false;
            }
            Authenticator.setDefault(new Socks5Logins(relays));
            return true;
        }
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication()
    {
        if (!SOCKS5.equals(getRequestingProtocol()))
        {
            return null;
        }
        for (final Socks5Relay relay : relays)
        {
            final Socks5Server server = relay.server();
            final InetSocketAddress address = relay.address();
            final boolean sameHost = server.address().host().equalsIgnoreCase(getRequestingHost()) ||
                (null != address && address.getAddress().equals(getRequestingSite()));
            if (server.hasLogin() && sameHost && server.address().port() == getRequestingPort())
            {
                // the JDK sends both as ISO-8859-1: one char a byte keeps the configured bytes as they are
                return new PasswordAuthentication(new String(server.username(), StandardCharsets.ISO_8859_1),
                    new String(server.password(), StandardCharsets.ISO_8859_1).toCharArray());
            }
        }
        return null;
    }
}
