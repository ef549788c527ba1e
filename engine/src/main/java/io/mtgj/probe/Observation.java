package io.mtgj.probe;

/**
 * What came back from one probe on one target.
 *
 * @param byteCount   bytes received before the connection ended or the probe gave up.
 * @param sha256      the first 12 hex digits of their SHA-256; empty when none came.
 * @param shape       their TLS records, or null when they are not TLS (or none came).
 * @param firstByteMs milliseconds from sending to the first byte, or -1 when none came.
 * @param endMs       milliseconds from sending to the end, or -1 when it was still open.
 * @param ending      how it ended.
 * @param error       why the connection failed ({@link Ending#REFUSED}), else null.
 */
public record Observation(
    long byteCount, String sha256, TlsShape shape, long firstByteMs, long endMs, Ending ending, String error)
{
    /**
     * @return e.g. {@code FIN <50ms}, {@code open}, {@code refused}.
     */
    public String endText()
    {
        switch (ending)
        {
            case OPEN:
                return "open";
            case REFUSED:
                return "refused";
            default:
                return ending + " " + TimingClass.of(endMs);
        }
    }

    /**
     * @return the timing class of the first byte, or {@code none}.
     */
    public String firstByteText()
    {
        return firstByteMs < 0 ? "none" : TimingClass.of(firstByteMs).toString();
    }

    /**
     * @return the records, {@code not TLS} for other bytes, {@code -} for none.
     */
    public String recordsText()
    {
        return null != shape ? shape.toString() : 0 == byteCount ? "-" : "not TLS";
    }
}
