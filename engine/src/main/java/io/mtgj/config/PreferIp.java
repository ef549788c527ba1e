package io.mtgj.config;

/**
 * Which IP family to dial Telegram with (protocol.md 3.3): the preferred family first, then the other, unless only
 * one is allowed.
 */
public enum PreferIp
{
    /** IPv4 first, then IPv6. */
    IPV4("ipv4"),
    /** IPv6 first, then IPv4 (the default, as in mtg v1). */
    IPV6("ipv6"),
    /** IPv4 only. */
    ONLY_IPV4("only-ipv4"),
    /** IPv6 only. */
    ONLY_IPV6("only-ipv6");

    private final String cliName;

    PreferIp(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * @return the command-line name.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @return whether IPv4 may be dialed.
     */
    public boolean allowsIpv4()
    {
        return this != ONLY_IPV6;
    }

    /**
     * @return whether IPv6 may be dialed.
     */
    public boolean allowsIpv6()
    {
        return this != ONLY_IPV4;
    }

    /**
     * @return whether IPv6 is tried before IPv4.
     */
    public boolean ipv6First()
    {
        return this == IPV6 || this == ONLY_IPV6;
    }

    /**
     * @param name command-line name.
     * @return the value.
     * @throws IllegalArgumentException naming the value when unknown.
     */
    public static PreferIp fromCliName(final String name)
    {
        for (final PreferIp value : values())
        {
            if (value.cliName.equals(name))
            {
                return value;
            }
        }
        throw new IllegalArgumentException("bad --prefer-ip '" + name + "' (expected ipv4, ipv6, only-ipv4 or only-ipv6)");
    }
}
