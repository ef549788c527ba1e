package io.mtgj.diagnose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class DoctorTest
{
    @Test
    void shouldKeepTheOrderOfTheChecksAndBoundTheRun()
    {
        final CountDownLatch never = new CountDownLatch(1);
        final long startNs = System.nanoTime();

        final List<Finding> findings = Doctor.run(List.of(
            check("slow", () -> List.of(Finding.ok("slow", "done"))),
            check("hung", () ->
            {
                never.await();
                return List.of();
            }),
            check("broken", () ->
            {
                throw new IllegalStateException("boom");
            }),
            check("fast", () -> List.of(Finding.warn("fast", "found", "do this")))), 300);

        assertTrue(System.nanoTime() - startNs < 5_000_000_000L);
        assertEquals(List.of("slow", "hung", "broken", "fast"),
            findings.stream().map(Finding::check).collect(java.util.stream.Collectors.toList()));
        assertEquals(Verdict.FAIL, findings.get(1).verdict());
        assertTrue(findings.get(1).found().startsWith("no answer within 300 ms"), findings.get(1).found());
        assertTrue(findings.get(2).found().contains("boom"), findings.get(2).found());
        assertTrue(Doctor.hasFailure(findings));
        assertFalse(Doctor.hasFailure(List.of(findings.get(0), findings.get(3))));
    }

    private static Check check(final String name, final Body body)
    {
        return new Check()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public List<Finding> run() throws Exception
            {
                return body.run();
            }
        };
    }

    @FunctionalInterface
    private interface Body
    {
        List<Finding> run() throws Exception;
    }
}
