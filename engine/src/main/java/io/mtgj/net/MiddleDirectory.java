package io.mtgj.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What the reactor needs to reach Telegram's middle proxies (promoted-channel mode): where they are, the proxy
 * secret and the ad tag. Implementations refresh from Telegram on another thread and must be thread-safe.
 */
public interface MiddleDirectory
{
    /**
     * @param dcIndex the client's signed DC index.
     * @param ipv6    the family to use.
     * @return a middle proxy for that DC (or the default cluster), or null when none is known for the family.
     */
    InetSocketAddress pick(short dcIndex, boolean ipv6);

    /**
     * @param clientIpv6 whether the client reached us over IPv6.
     * @return whether to use IPv6 middle proxies for it: the client's family, unless {@code --prefer-ip only-*}.
     */
    boolean useIpv6(boolean clientIpv6);

    /**
     * @return the proxy secret from Telegram.
     */
    byte[] proxySecret();

    /**
     * @return the 16-byte ad tag.
     */
    byte[] adTag();

    /**
     * @return our public IPv4 when behind NAT (it enters the key derivation), or null to use the socket's address.
     */
    InetAddress publicIpv4();

    /**
     * @return clients per middle-proxy connection.
     */
    int multiplexPerConnection();
}
