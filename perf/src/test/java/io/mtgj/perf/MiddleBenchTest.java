package io.mtgj.perf;

import io.mtgj.perf.MiddleBench.RunFigures;
import io.mtgj.secret.Hex;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mtg-perf middle-bench}: its options, the C proxy's files and command line, the figures' arithmetic, and
 * one tiny run against this project's proxy (the cli module started through a stand-in for the image's
 * {@code bin/mtg}), so the harness works without a built image or C proxy.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MiddleBenchTest
{
    @TempDir
    Path temp;

    private static MiddleBenchSettings parse(final String... args) throws ParseException
    {
        return MiddleBenchSettings.from(DefaultParser.builder().setAllowPartialMatching(false).get()
            .parse(MiddleBenchSettings.options(), args));
    }

    @Test
    void shouldDefaultToTheIssuesScale() throws Exception
    {
        final MiddleBenchSettings settings = parse();
        assertEquals(Path.of("jlink/target/image"), settings.image());
        assertEquals(Path.of(".cache/mtproxy/mtproto-proxy"), settings.cProxy());
        assertFalse(settings.cProxyRequired());
        assertEquals(3_000, settings.idleClients());
        assertEquals(6_000, settings.warmupClients());
        assertEquals(2_000, settings.churnClients());
        assertEquals(8, settings.churnConcurrency());
        assertEquals(3, settings.churnRounds());
        assertEquals(64, settings.packetLength());
        assertEquals(4, settings.bulkClients());
        assertEquals(65_536, settings.bulkPacketLength());
        assertEquals(5_000, settings.bulkDurationMs());
        assertEquals(3, settings.runs());
        assertEquals(List.of(), settings.proxyFlags());
    }

    @Test
    void shouldReadEveryOption() throws Exception
    {
        final MiddleBenchSettings settings = parse("--image", "/opt/mtg", "--c-proxy", "/opt/mtproto-proxy",
            "--idle-clients", "100", "--warmup-clients", "10", "--churn-clients", "50", "--churn-concurrency", "2", "--churn-rounds", "5",
            "--packet", "128", "--bulk-clients", "1", "--bulk-packet", "1KB", "--bulk-duration", "2s", "--runs", "1",
            "--logs", "/tmp/mb", "--proxy-flags", "--multiplex-per-connection 1000", "--proxy-flags", " -v ");
        assertEquals(Path.of("/opt/mtg"), settings.image());
        assertEquals(Path.of("/opt/mtproto-proxy"), settings.cProxy());
        assertTrue(settings.cProxyRequired());
        assertEquals(100, settings.idleClients());
        assertEquals(10, settings.warmupClients());
        assertEquals(50, settings.churnClients());
        assertEquals(2, settings.churnConcurrency());
        assertEquals(5, settings.churnRounds());
        assertEquals(128, settings.packetLength());
        assertEquals(1, settings.bulkClients());
        assertEquals(1024, settings.bulkPacketLength());
        assertEquals(2_000, settings.bulkDurationMs());
        assertEquals(1, settings.runs());
        assertEquals(Path.of("/tmp/mb"), settings.logs());
        assertEquals(List.of("--multiplex-per-connection", "1000", "-v"), settings.proxyFlags());
        assertNull(parse("--c-proxy", "none").cProxy());
    }

    @Test
    void shouldRefusePacketsTheOfficialProxyWouldDrop()
    {
        assertMessage("bad --packet 52", "--packet", "52");
        assertMessage("bad --packet 58", "--packet", "58");
        assertMessage("bad --bulk-packet 2MB", "--bulk-packet", "2MB");
        assertMessage("bad --idle-clients 0", "--idle-clients", "0");
        assertMessage("bad duration '5'", "--bulk-duration", "5");
    }

    private static void assertMessage(final String expected, final String... args)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> parse(args));
        assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
    }

    @Test
    void shouldWriteTheOfficialProxysFilesAndCommand() throws IOException
    {
        final byte[] proxySecret = new byte[128];
        proxySecret[0] = 7;
        final String config = "default 2;\nproxy_for 2 127.0.0.1:8888;\n";
        OfficialProxy.writeFiles(temp.resolve("c"), proxySecret, config);
        assertArrayEquals(proxySecret, Files.readAllBytes(temp.resolve("c/proxy-secret")));
        assertEquals(config, Files.readString(temp.resolve("c/proxy-multi.conf")));

        final byte[] key = Hex.decode("0123456789abcdef0123456789abcdef");
        final List<String> command = OfficialProxy.command(Path.of("/opt/mtproto-proxy"), temp.resolve("c"), 4443,
            8888, key, MiddleBench.AD_TAG, "alice", 20_000);
        final String dir = temp.resolve("c").toAbsolutePath().toString();
        assertEquals(List.of("/opt/mtproto-proxy", "-u", "alice", "-M", "0", "--address", "127.0.0.1", "-H", "4443",
            "-p", "8888", "--http-stats", "-c", "19984", "-S", "0123456789abcdef0123456789abcdef", "-P",
            "c0ffee00c0ffee00c0ffee00c0ffee00", "--aes-pwd", dir + "/proxy-secret", dir + "/proxy-multi.conf"),
            command);
    }

    @Test
    void shouldAskTheOfficialProxyForNoMoreConnectionsThanItsFileLimitAllows()
    {
        assertEquals(19_984, OfficialProxy.maxConnections(20_000));
        assertEquals(65_536, OfficialProxy.maxConnections(1_048_576));
        assertEquals(65_536, OfficialProxy.maxConnections(Long.MAX_VALUE));
        assertEquals(1, OfficialProxy.maxConnections(10));
    }

    @Test
    void shouldReadTheArenaFromTheStartUpLine()
    {
        assertEquals(29_360_128, ImageProxy.bufferMemoryBytes("max_connections=8180 max_connections_from=\"heap\" " +
            "buffer_memory=29360128 buffer_memory_from=\"7/8 of max direct memory 32MB\""));
        assertEquals(-1, ImageProxy.bufferMemoryBytes("max_connections=8180"));
    }

    @Test
    void shouldComputeTheFiguresOfARun()
    {
        final RunFigures run = new RunFigures(10_000_000, 13_000_000, 1_000, 2_000_000_000L, 4_000,
            new long[] {20_000_000, 21_000_000, 20_500_000}, 500_000_000L, 100_000_000L, 22_000_000, 6, 0);
        assertEquals(3.0, run.idleKbPerClient(), 1e-9);
        assertEquals(0.5, run.cpuMsPerClient(), 1e-9);
        assertEquals(0.005, run.cpuSecondsPerMb(), 1e-12);
        assertEquals(500_000, run.churnGrowthBytes());
        final RunFigures noBulk = new RunFigures(1, 1, 1, 1, 1, new long[] {1}, 1, 0, 1, 0, 0);
        assertTrue(Double.isNaN(noBulk.cpuSecondsPerMb()));
        assertEquals(0.5, MiddleBench.median(List.of(noBulk, run, run), RunFigures::cpuMsPerClient), 1e-12);
        assertTrue(Double.isNaN(MiddleBench.median(List.of(), RunFigures::cpuMsPerClient)));
    }

    @Test
    void shouldExitWithBadInputWithoutAnImageOrANamedCProxy() throws IOException
    {
        assertBadInput("no runtime image at /nonexistent/image", "--image", "/nonexistent/image");
        assertBadInput("no C proxy at /nonexistent/mtproto-proxy (make mtproxy builds it)", "--image",
            fakeImage().toString(), "--c-proxy", "/nonexistent/mtproto-proxy");
    }

    private void assertBadInput(final String message, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final String[] command = new String[args.length + 1];
        command[0] = "middle-bench";
        System.arraycopy(args, 0, command, 1, args.length);
        final int status = PerfMain.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(PerfMain.STATUS_BAD_INPUT, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(message), err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRunATinyBenchAgainstThisProjectAlone() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = PerfMain.run(new String[] {"middle-bench", "--image", fakeImage().toString(),
            "--c-proxy", "none", "--idle-clients", "20", "--warmup-clients", "10", "--churn-clients", "20", "--churn-rounds", "2",
            "--bulk-clients", "1", "--bulk-packet", "4KB", "--bulk-duration", "1s", "--runs", "1", "--logs",
            temp.resolve("logs").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("run 1, this project: RSS "), text);
        assertTrue(text.contains("| RSS per idle client | "), text);
        assertTrue(text.contains("| CPU per MB echoed | "), text);
        assertTrue(text.contains("| client errors per run | 0 | - | - |"), text);
        assertTrue(text.contains("NOTE: no C proxy (--c-proxy none): this project's column only."), text);
        assertFalse(text.contains("FAILED"), text);
    }

    /**
     * @return a folder whose {@code bin/mtg} runs this project's cli from the test's class path, as the image's
     *         launcher runs it from the image.
     */
    private Path fakeImage() throws IOException
    {
        final Path image = temp.resolve("image");
        final Path launcher = image.resolve("bin/mtg");
        Files.createDirectories(launcher.getParent());
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -XX:+UseSerialGC -Xmx64m " +
            "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp '" + System.getProperty("java.class.path") +
            "' io.mtgj.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return image;
    }
}
