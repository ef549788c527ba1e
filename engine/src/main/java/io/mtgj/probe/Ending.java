package io.mtgj.probe;

/**
 * How the other side ended a probe's connection.
 */
public enum Ending
{
    /** It closed its side cleanly. */
    FIN,
    /** It reset the connection. */
    RST,
    /** It was still open when the probe gave up. */
    OPEN,
    /** The connection could not be made. */
    REFUSED
}
