package io.mtgj.net;

import io.mtgj.access.AccessList;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accept-time checks shared by every reactor: the access list (allowed and denied networks, block-list files) and
 * the per-IP limit on concurrent connections. Refused clients are closed before a byte is read.
 */
public final class ClientGate
{
    /** A gate that lets everyone in. */
    public static final ClientGate OPEN = new ClientGate(null, 0, false);

    private final AccessList accessList;
    private final int maxPerIp;
    private final boolean cloaksDenied;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();

    /**
     * @param accessList networks allowed and denied, or null for none.
     * @param maxPerIp   concurrent connections per client IP; 0 for no limit.
     * @param cloaksDenied whether denied clients of a FakeTLS proxy are fronted instead of reset.
     */
    public ClientGate(final AccessList accessList, final int maxPerIp, final boolean cloaksDenied)
    {
        this.cloaksDenied = cloaksDenied;
        this.accessList = null == accessList || accessList.isOpen() ? null : accessList;
        this.maxPerIp = maxPerIp;
    }

    /**
     * Let a client in, counting it against its IP's limit.
     *
     * @param address the client's address.
     * @return null when admitted (then {@link #onClosed} must follow), else why not.
     */
    RejectReason admit(final InetAddress address)
    {
        if (null != accessList && accessList.isDenied(address))
        {
            return RejectReason.ACCESS_LIST;
        }
        if (maxPerIp > 0)
        {
            final AtomicInteger count = perIp.computeIfAbsent(address, a -> new AtomicInteger());
            if (count.incrementAndGet() > maxPerIp)
            {
                onClosed(address);
                return RejectReason.PER_IP_LIMIT;
            }
        }
        return null;
    }

    boolean cloaksDenied()
    {
        return cloaksDenied;
    }

    /**
     * Count a client against its IP without checking (a denied client being fronted); {@link #onClosed} follows.
     *
     * @param address its address.
     */
    void count(final InetAddress address)
    {
        if (maxPerIp > 0 && null != address)
        {
            perIp.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        }
    }

    /**
     * An admitted client is gone.
     *
     * @param address its address.
     */
    void onClosed(final InetAddress address)
    {
        if (maxPerIp > 0 && null != address)
        {
            final AtomicInteger count = perIp.get(address);
            if (null != count && 0 == count.decrementAndGet())
            {
                perIp.remove(address, count);
            }
        }
    }
}
