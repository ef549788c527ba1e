package io.mtgj.diagnose;

import io.mtgj.config.Capacity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class OpenFilesCheckTest
{
    @Test
    void shouldDeriveTheConnectionsFromTheLimit()
    {
        final Finding finding = new OpenFilesCheck(65_536, 0, 2, false, true).run().get(0);

        assertEquals(Verdict.OK, finding.verdict(), finding.toString());
        assertTrue(finding.found().startsWith("max connections 32732 from open-file limit 65536, 2 per client; " +
            "72 files kept for the proxy"), finding.found());
    }

    @Test
    void shouldWarnWhenTheLimitIsLow()
    {
        final Finding finding = new OpenFilesCheck(1_024, 0, 2, false, true).run().get(0);

        assertEquals(Verdict.WARN, finding.verdict(), finding.toString());
        assertTrue(finding.found().startsWith("max connections 476 from open-file limit 1024"), finding.found());
        assertTrue(finding.advice().contains("LimitNOFILE"), finding.advice());
    }

    @Test
    void shouldFailMaxConnectionsTheLimitCannotHold()
    {
        final Finding finding = new OpenFilesCheck(1_024, 5_000, 2, false, true).run().get(0);

        assertEquals(Verdict.FAIL, finding.verdict(), finding.toString());
        assertTrue(finding.found().contains("bad --max-connections 5000"), finding.found());
    }

    @Test
    void shouldAcceptMaxConnectionsThatFit()
    {
        final Finding finding = new OpenFilesCheck(65_536, 5_000, 2, false, true).run().get(0);

        assertEquals(Verdict.OK, finding.verdict(), finding.toString());
        assertTrue(finding.found().startsWith("max connections 5000 from --max-connections, open-file limit 65536"),
            finding.found());
    }

    @Test
    void shouldWarnWhenTheLimitIsUnknown()
    {
        assertEquals(Verdict.WARN, new OpenFilesCheck(Capacity.UNKNOWN_LIMIT, 0, 2, false, true).run().get(0)
            .verdict());
    }
}
