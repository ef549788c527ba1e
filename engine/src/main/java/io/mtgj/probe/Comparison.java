package io.mtgj.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * What a prober can tell apart between two answers to the same bytes: whether they connected, the bytes (their TLS
 * records when either is TLS, since a server's random changes every time; else the count and hash), the timing
 * class of the first byte, and how and when the connection ended.
 */
final class Comparison
{
    private Comparison()
    {
    }

    /**
     * @param proxy     the proxy's answer.
     * @param reference the cloak host's.
     * @return the differences, {@code proxy vs cloak}; empty when none.
     */
    static List<String> between(final Observation proxy, final Observation reference)
    {
        final List<String> differences = new ArrayList<>(4);
        if ((Ending.REFUSED == proxy.ending()) != (Ending.REFUSED == reference.ending()))
        {
            differences.add("connect " + connectText(proxy) + " vs " + connectText(reference));
            return differences;
        }
        if (null != proxy.shape() || null != reference.shape())
        {
            if (null == proxy.shape() || null == reference.shape() || !proxy.shape().isLike(reference.shape()))
            {
                differences.add("records " + proxy.recordsText() + " vs " + reference.recordsText());
            }
        }
        else if (proxy.byteCount() != reference.byteCount() || !proxy.sha256().equals(reference.sha256()))
        {
            differences.add("bytes " + bytesText(proxy) + " vs " + bytesText(reference));
        }
        if (proxy.firstByteMs() >= 0 && reference.firstByteMs() >= 0 &&
            !proxy.firstByteText().equals(reference.firstByteText()))
        {
            differences.add("first byte " + proxy.firstByteText() + " vs " + reference.firstByteText());
        }
        if (!proxy.endText().equals(reference.endText()))
        {
            differences.add("end " + proxy.endText() + " vs " + reference.endText());
        }
        return differences;
    }

    /**
     * @param proxy the proxy's answer, when there is no cloak host: simple and secured proxies answer nothing to
     *              a client they do not know (style.md 6).
     * @return the differences from that; empty when it stayed silent.
     */
    static List<String> againstSilence(final Observation proxy)
    {
        if (Ending.REFUSED == proxy.ending())
        {
            return List.of("connect refused (" + proxy.error() + ")");
        }
        return 0 == proxy.byteCount() ? List.of() :
            List.of("answered " + bytesText(proxy) + " where a proxy must stay silent");
    }

    private static String connectText(final Observation observation)
    {
        return Ending.REFUSED == observation.ending() ? "refused" : "ok";
    }

    private static String bytesText(final Observation observation)
    {
        return 0 == observation.byteCount() ? "0" : observation.byteCount() + " (" + observation.sha256() + ")";
    }
}
