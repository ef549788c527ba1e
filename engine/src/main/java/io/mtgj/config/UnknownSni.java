package io.mtgj.config;

/**
 * What becomes of a well-formed TLS ClientHello whose SNI names no FakeTLS secret's host ({@code --unknown-sni}):
 * a browser, a scanner or a prober that is not one of our clients. Either way nothing is ever forwarded to the host
 * such a hello names: only to the configured cloak host(s), so the proxy is never an open relay.
 */
public enum UnknownSni
{
    /** Front it, untouched, to the configured cloak host: the proxy looks like that website (the default). */
    CLOAK("cloak"),
    /** Close it with a reset (RST), as a server that serves no such name might. */
    RESET("reset");

    private final String cliName;

    UnknownSni(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * @return the name on the command line.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @param name cloak or reset.
     * @return the policy.
     * @throws IllegalArgumentException naming the flag and the value when it is neither.
     */
    public static UnknownSni fromCliName(final String name)
    {
        for (final UnknownSni value : values())
        {
            if (value.cliName.equals(name))
            {
                return value;
            }
        }
        throw new IllegalArgumentException("bad --unknown-sni '" + name + "': expected cloak or reset");
    }
}
