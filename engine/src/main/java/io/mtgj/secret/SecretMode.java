package io.mtgj.secret;

/**
 * The three secret modes; an instance runs exactly one of them (strict mode, protocol.md 2.4).
 */
public enum SecretMode
{
    /** 16-byte key, plain obfuscated2. */
    SIMPLE("simple"),
    /** 0xdd prefix: obfuscated2 with padded intermediate only. */
    SECURED("secured"),
    /** 0xee prefix plus hostname: obfuscated2 inside a FakeTLS stream. */
    FAKE_TLS("tls");

    private final String cliName;

    SecretMode(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * @return the name used on the command line and in logs.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @param name a command-line mode name.
     * @return the mode.
     * @throws IllegalArgumentException naming the value when it is not a mode.
     */
    public static SecretMode fromCliName(final String name)
    {
        for (final SecretMode mode : values())
        {
            if (mode.cliName.equals(name))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown secret mode '" + name + "' (expected simple, secured or tls)");
    }
}
