package io.mtgj.probe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class ComparisonTest
{
    private static final byte[] SITE_FLIGHT = {0x16, 3, 3, 0, 2, 1, 2, 0x17, 3, 3, 0, 1, 9};
    private static final byte[] OTHER_FLIGHT = {0x16, 3, 3, 0, 2, 7, 7, 0x17, 3, 3, 0, 1, 8};
    private static final byte[] ONE_RECORD = {0x16, 3, 3, 0, 2, 1, 2};

    @Test
    void shouldFindNothingBetweenLikeAnswers()
    {
        final Observation site = new Observation(47, "0123456789ab", null, 12, 13, Ending.FIN, null);
        final Observation proxy = new Observation(47, "0123456789ab", null, 90, 95, Ending.FIN, null);

        assertEquals(List.of(), Comparison.between(proxy, site));
    }

    @Test
    void shouldCompareTlsAnswersByTheirRecordsNotTheirBytes()
    {
        final Observation site = tls(SITE_FLIGHT, SITE_FLIGHT.length, "aaaaaaaaaaaa");
        final Observation proxy = tls(OTHER_FLIGHT, OTHER_FLIGHT.length, "bbbbbbbbbbbb");

        assertEquals(List.of(), Comparison.between(proxy, site));
        assertEquals(List.of("records handshake:2 vs handshake:2 data:1"),
            Comparison.between(tls(ONE_RECORD, ONE_RECORD.length, "cccccccccccc"), site));
    }

    @Test
    void shouldNameEveryDifference()
    {
        final Observation site = new Observation(47, "0123456789ab", null, 12, 13, Ending.FIN, null);
        final Observation proxy = new Observation(3, "ba9876543210", null, 1_500, -1, Ending.OPEN, null);

        assertEquals(List.of("bytes 3 (ba9876543210) vs 47 (0123456789ab)", "first byte <5s vs <250ms",
            "end open vs FIN <250ms"), Comparison.between(proxy, site));
        assertEquals(List.of("connect refused vs ok"), Comparison.between(
            new Observation(0, "", null, -1, -1, Ending.REFUSED, "Connection refused"), site));
    }

    @Test
    void shouldHoldAProxyWithoutCloakHostToSilence()
    {
        assertEquals(List.of(), Comparison.againstSilence(new Observation(0, "", null, -1, 5, Ending.FIN, null)));
        assertEquals(List.of("answered 7 (0123456789ab) where a proxy must stay silent"),
            Comparison.againstSilence(new Observation(7, "0123456789ab", null, 3, 5, Ending.FIN, null)));
    }

    private static Observation tls(final byte[] bytes, final int length, final String hash)
    {
        return new Observation(length, hash, TlsShape.of(bytes, length), 5, -1, Ending.OPEN, null);
    }
}
