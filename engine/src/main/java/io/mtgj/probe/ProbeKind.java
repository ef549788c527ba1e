package io.mtgj.probe;

/**
 * The probes of the battery, in the order they are reported.
 */
public enum ProbeKind
{
    /** A plain HTTP/1.1 request for {@code /}, as a crawler or a curious censor sends. */
    HTTP_GET("http-get", "plain HTTP GET /"),
    /** Random bytes, as scanners send to find obfuscated protocols. */
    RANDOM_BYTES("random-bytes", "512 random bytes"),
    /** The first half of a TLS ClientHello, then a half-close. */
    TRUNCATED_HELLO("truncated-hello", "half a TLS ClientHello, then FIN"),
    /** A connection that sends nothing and half-closes at once. */
    EMPTY("empty", "no bytes, then FIN"),
    /** The JDK's own TLS ClientHello for a name that is not the cloak host's. */
    FOREIGN_SNI("foreign-sni", "a browser-like TLS ClientHello for another host"),
    /** The first bytes of a TLS ClientHello, then nothing until the timeout. */
    STALLED_HELLO("stalled-hello", "the first 100 bytes of a ClientHello, then silence"),
    /** A valid FakeTLS hello sent a first time: only a client holding the secret can send it. */
    VALID_HELLO("valid-hello", "a valid FakeTLS hello, first use (information only)"),
    /** The same valid hello again: what a prober who recorded a client's hello would send. */
    REPLAYED_HELLO("replayed-hello", "a valid FakeTLS hello, replayed");

    private final String cliName;
    private final String description;

    ProbeKind(final String cliName, final String description)
    {
        this.cliName = cliName;
        this.description = description;
    }

    /**
     * @return the name in the report.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @return what is sent, for people.
     */
    public String description()
    {
        return description;
    }

    /**
     * @return whether a difference in this probe counts: the first use of a valid hello is shown for information,
     *         since only a client holding the secret can make the proxy answer it.
     */
    public boolean isCounted()
    {
        return this != VALID_HELLO;
    }
}
