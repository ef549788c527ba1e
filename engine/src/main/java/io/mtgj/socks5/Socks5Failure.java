package io.mtgj.socks5;

import java.util.Locale;

/**
 * Why a dial through a SOCKS5 server failed; the label of {@code socks5_failures_total}. Failures that say the server
 * itself is unusable put it in back-off; those about the target (the server could not reach Telegram's address) do
 * not, since another address, or the same a moment later, may well work through it.
 */
public enum Socks5Failure
{
    /** The TCP connection to the SOCKS server failed (refused, unreachable, or its name never resolved). */
    UNREACHABLE(true),
    /** The dial timeout passed before the server answered the greeting or the login. */
    TIMEOUT(true),
    /** The dial timeout passed while the server was connecting to the target. */
    TARGET_TIMEOUT(false),
    /** The server closed the connection, or reset it, in the middle of the negotiation. */
    CLOSED(true),
    /** The server's bytes are not SOCKS5 (bad version, unknown address type, more than it should send). */
    PROTOCOL(true),
    /** The server accepted none of the offered methods (it wants a login the proxy was not given, or another one). */
    NO_ACCEPTABLE_METHOD(true),
    /** The server refused the username and password. */
    LOGIN_REFUSED(true),
    /** Reply 1: general SOCKS server failure. */
    GENERAL_FAILURE(true),
    /** Reply 2: connection not allowed by ruleset. */
    NOT_ALLOWED(true),
    /** Reply 3: network unreachable. */
    NETWORK_UNREACHABLE(false),
    /** Reply 4: host unreachable. */
    HOST_UNREACHABLE(false),
    /** Reply 5: connection refused (by the target). */
    CONNECTION_REFUSED(false),
    /** Reply 6: TTL expired. */
    TTL_EXPIRED(false),
    /** Reply 7: command not supported. */
    COMMAND_NOT_SUPPORTED(true),
    /** Reply 8: address type not supported (an IPv6 target through an IPv4-only server, typically). */
    ADDRESS_TYPE_NOT_SUPPORTED(false),
    /** A reply code RFC 1928 does not assign. */
    OTHER_REPLY(true);

    private final boolean serverFault;
    private final String label;

    Socks5Failure(final boolean serverFault)
    {
        this.serverFault = serverFault;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return whether the server is to blame, so it goes into back-off.
     */
    public boolean isServerFault()
    {
        return serverFault;
    }

    /**
     * @return the metric label: the name in lower case.
     */
    public String label()
    {
        return label;
    }

    /**
     * @param code a failure reply code (not 0).
     * @return its failure.
     */
    public static Socks5Failure ofReply(final int code)
    {
        switch (code)
        {
            case 1:
                return GENERAL_FAILURE;
            case 2:
                return NOT_ALLOWED;
            case 3:
                return NETWORK_UNREACHABLE;
            case 4:
                return HOST_UNREACHABLE;
            case 5:
                return CONNECTION_REFUSED;
            case 6:
                return TTL_EXPIRED;
            case 7:
                return COMMAND_NOT_SUPPORTED;
            case 8:
                return ADDRESS_TYPE_NOT_SUPPORTED;
            default:
                return OTHER_REPLY;
        }
    }
}
