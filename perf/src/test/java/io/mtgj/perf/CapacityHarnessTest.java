package io.mtgj.perf;

import io.mtgj.perf.CapacitySettings.Scenario;
import io.mtgj.secret.SecretMode;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pure logic of {@code mtg-perf capacity}: its options, the slow readers' pace, the table's arithmetic and the
 * metrics it reads. The scenarios themselves run only from the command line.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CapacityHarnessTest
{
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private static CapacitySettings parse(final String... args) throws ParseException
    {
        return CapacitySettings.from(DefaultParser.builder().setAllowPartialMatching(false).get()
            .parse(CapacitySettings.options(), args));
    }

    @Test
    void shouldDefaultToTheIssuesScale() throws Exception
    {
        final CapacitySettings settings = parse();
        assertEquals(Path.of("jlink/target/image"), settings.image());
        assertEquals(SecretMode.FAKE_TLS, settings.secretMode());
        assertEquals(9_500, settings.idleConnections());
        assertEquals(1_000, settings.relayConnections());
        assertEquals(500, settings.slowReaders());
        assertEquals(2_000, settings.adTagClients());
        assertEquals(600_000, settings.soakDurationMs());
        assertEquals(Set.of(), settings.skipped());
        assertEquals(List.of(), settings.devProxyFlags());
        assertFalse(settings.isDevelopmentRun());
        for (final Scenario scenario : Scenario.values())
        {
            assertTrue(settings.runs(scenario), scenario.cliName());
        }
    }

    @Test
    void shouldReadEveryOption() throws Exception
    {
        final CapacitySettings settings = parse("--image", "/opt/mtg", "--secret-mode", "secured",
            "--idle-connections", "500", "--relay-connections", "100", "--slow-readers", "50", "--adtag-clients",
            "200", "--soak-duration", "30s", "--runs", "5", "--duration", "2s", "--slow-phase", "1m",
            "--skip", "relay", "--skip", "SOAK", "--logs", "/tmp/capacity", "--dev-proxy-flags",
            "--max-connections 2000", "--dev-proxy-flags", " -v ", "--dev-java-opts", "-XX:MaxDirectMemorySize=1g");
        assertEquals(Path.of("/opt/mtg"), settings.image());
        assertEquals(SecretMode.SECURED, settings.secretMode());
        assertEquals(500, settings.idleConnections());
        assertEquals(100, settings.relayConnections());
        assertEquals(50, settings.slowReaders());
        assertEquals(200, settings.adTagClients());
        assertEquals(30_000, settings.soakDurationMs());
        assertEquals(5, settings.runs());
        assertEquals(2_000, settings.durationMs());
        assertEquals(60_000, settings.slowPhaseMs());
        assertEquals(Set.of(Scenario.RELAY, Scenario.SOAK), settings.skipped());
        assertFalse(settings.runs(Scenario.RELAY));
        assertTrue(settings.runs(Scenario.IDLE));
        assertEquals(Path.of("/tmp/capacity"), settings.logs());
        assertEquals(List.of("--max-connections", "2000", "-v"), settings.devProxyFlags());
        assertEquals("-XX:MaxDirectMemorySize=1g", settings.devJavaOpts());
        assertTrue(settings.isDevelopmentRun());
    }

    @Test
    void shouldRefuseBadValuesNamingThem()
    {
        assertMessage("bad --skip 'bogus'", "--skip", "bogus");
        assertMessage("every scenario is skipped", "--skip", "idle", "--skip", "relay", "--skip", "slow", "--skip",
            "adtag", "--skip", "soak");
        assertMessage("bad --idle-connections 0", "--idle-connections", "0");
        assertMessage("bad --runs 'many'", "--runs", "many");
        assertMessage("bad --soak-duration 5s", "--soak-duration", "5s");
        assertMessage("bad duration '5'", "--duration", "5");
        assertMessage("unknown secret mode 'plain'", "--secret-mode", "plain");
    }

    private static void assertMessage(final String expected, final String... args)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> parse(args));
        assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
    }

    @Test
    void shouldExitWithBadInputBeforeStartingAnythingWithoutAnImage()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = PerfMain.run(new String[] {"capacity", "--image", "/nonexistent/image", "--skip", "relay"},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(PerfMain.STATUS_BAD_INPUT, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no runtime image at /nonexistent/image"),
            err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPaceReadsAtTheRateWithoutAnInitialBurst()
    {
        final ReadPacer pacer = new ReadPacer(1024, 1024, 0);
        assertEquals(0, pacer.allowance(0));
        assertEquals(102, pacer.allowance(SECOND_NS / 10));
        pacer.consumed(102);
        assertEquals(0, pacer.allowance(SECOND_NS / 10));
        assertEquals(512, pacer.allowance(6 * SECOND_NS / 10), "0.4 bytes carried over, then half a second");
    }

    @Test
    void shouldReadTheRateOverAMinuteOfTicks()
    {
        final ReadPacer pacer = new ReadPacer(1024, 1024, 0);
        long read = 0;
        for (long nowNs = 0; nowNs <= 60 * SECOND_NS; nowNs += SECOND_NS / 10)
        {
            final long allowed = pacer.allowance(nowNs);
            read += allowed;
            pacer.consumed(allowed);
        }
        // 60 s at 1024 B/s; whole bytes are read each tick and the fractions carried to the next.
        assertTrue(Math.abs(60 * 1024 - read) <= 1, String.valueOf(read));
    }

    @Test
    void shouldCapWhatAnIdleReaderMayCatchUp()
    {
        final ReadPacer pacer = new ReadPacer(1024, 1024, 0);
        assertEquals(1024, pacer.allowance(30 * SECOND_NS),
            "a socket that was empty for 30 s reads one second's worth");
        pacer.consumed(100);
        assertEquals(924, pacer.allowance(30 * SECOND_NS));
        assertEquals(924, pacer.allowance(29 * SECOND_NS), "a clock going back adds nothing");
    }

    @Test
    void shouldRefuseANonPositiveRate()
    {
        assertThrows(IllegalArgumentException.class, () -> new ReadPacer(0, 1024, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReadPacer(1024, 0, 0));
    }

    @Test
    void shouldComputeTheTablesFigures()
    {
        assertEquals(3.0, Figures.median(new double[] {5, 1, 3}));
        assertEquals(2.5, Figures.median(new double[] {4, 1, 3, 2}));
        assertEquals(7.0, Figures.median(new double[] {7}));
        assertThrows(IllegalArgumentException.class, () -> Figures.median(new double[0]));
        assertEquals(0.9, Figures.ratio(900, 1000), 1e-12);
        assertTrue(Double.isNaN(Figures.ratio(900, 0)), "no reference, no ratio");
        // (95 MB - 40 MB) over 9,500 connections: about 5.79 KB each.
        assertEquals(5.789, Figures.kbPerConnection(95_000_000, 40_000_000, 9_500), 1e-3);
        assertEquals(-1.0, Figures.kbPerConnection(1_000, 2_000, 1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Figures.kbPerConnection(1, 0, 0));
        assertEquals(5.0, Figures.percentChange(105, 100), 1e-12);
        assertEquals(-10.0, Figures.percentChange(90, 100), 1e-12);
        assertEquals(95.0, Figures.mb(95_000_000), 1e-12);
        assertEquals("target >= 0.90: met", Figures.target(true, ">= 0.90"));
        assertEquals("target total < 100 MB: MISSED", Figures.target(false, "total < 100 MB"));
    }

    @Test
    void shouldSumAMetricOverItsLabelsAndNothingElse()
    {
        final String scrape = String.join("\n",
            "# HELP mtg_buffer_leased_bytes Bytes of the buffer arena leased to connections now.",
            "# TYPE mtg_buffer_leased_bytes gauge",
            "mtg_buffer_leased_bytes{mode=\"tls\",} 65536.0",
            "mtg_buffer_leased_bytes_extra{mode=\"tls\",} 7.0",
            "mtg_client_connections{mode=\"tls\",ip_family=\"ipv4\",} 3.0",
            "mtg_client_connections{mode=\"tls\",ip_family=\"ipv6\",} 2.0",
            "mtg_buffers_in_use 0",
            "");
        assertEquals(65536.0, PrometheusText.sum(scrape, "mtg_buffer_leased_bytes"));
        assertEquals(5.0, PrometheusText.sum(scrape, "mtg_client_connections"));
        assertEquals(0.0, PrometheusText.sum(scrape, "mtg_buffers_in_use"));
        assertTrue(Double.isNaN(PrometheusText.sum(scrape, "mtg_stalled_connections_total")));
        assertTrue(Double.isNaN(PrometheusText.sum("", "mtg_buffers_in_use")));
    }

    @Test
    void shouldAskTheFakeDcForALittleEndianByteCount()
    {
        final byte[] command = SlowReaders.downloadCommand(0x0102030405060708L);
        final byte[] expected = new byte[FakeDc.BULK_COMMAND.length + 8];
        System.arraycopy(FakeDc.BULK_COMMAND, 0, expected, 0, FakeDc.BULK_COMMAND.length);
        final byte[] count = {8, 7, 6, 5, 4, 3, 2, 1};
        System.arraycopy(count, 0, expected, FakeDc.BULK_COMMAND.length, 8);
        assertArrayEquals(expected, command);
    }

    @Test
    void shouldReadTheSoftOpenFileLimit(@TempDir final Path dir) throws Exception
    {
        final Path limits = dir.resolve("limits");
        Files.writeString(limits, String.join("\n",
            "Limit                     Soft Limit           Hard Limit           Units",
            "Max processes             96362                96362                processes",
            "Max open files            1024                 20000                files",
            ""));
        assertEquals(1024, ManagedProcess.openFileLimit(limits));
        Files.writeString(limits, "Max open files            unlimited            unlimited            files\n");
        assertEquals(Long.MAX_VALUE, ManagedProcess.openFileLimit(limits));
        Files.writeString(limits, "Max processes             96362                96362                processes\n");
        assertEquals(Long.MAX_VALUE, ManagedProcess.openFileLimit(limits), "not listed");
    }
}
