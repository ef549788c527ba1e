package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The runtime image of {@code make image} as a daemon: {@code bin/mtg} started as a process with no JDK on the
 * PATH and no JAVA_HOME, relaying to an in-process fake DC, then stopped with SIGTERM: open connections keep
 * working while new ones are refused, and it exits 0 as soon as they are done. Skipped when the image has not been
 * built ({@code .ci/run} builds it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeImageTest
{
    /** Surefire runs in the module folder. */
    private static final Path IMAGE = Path.of("..", "jlink", "target", "image");
    private static final Path DIST = Path.of("..", "target", "dist");
    private static final Pattern PORT = Pattern.compile("server=127\\.0\\.0\\.1&port=(\\d+)&");
    private static final int TIMEOUT_MS = 10_000;
    private static final long SHUTDOWN_TIMEOUT_S = 20;

    private final Random random = new Random(99);
    private final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path temp;

    @BeforeEach
    void requireTheImage()
    {
        assumeTrue(Files.isExecutable(IMAGE.resolve("bin/mtg")), "no runtime image: make image builds it");
    }

    @AfterEach
    void killLeftovers()
    {
        for (final Process process : processes)
        {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldRelayThenDrainAndExitZeroOnSigterm() throws Exception
    {
        assertTrue(Files.isRegularFile(IMAGE.resolve("lib/mtg.jsa")), "the image carries its CDS archive");
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final Process proxy = start(IMAGE, "run", "-b", "127.0.0.1:0", "-4", "127.0.0.1", "-6", "::1",
                "--workers", "1", "--dc-address", "2=127.0.0.1:" + dc.address().getPort(),
                "--shutdown-timeout", SHUTDOWN_TIMEOUT_S + "s", secret.toHex());
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port());

            try (TestClient staying = connect(address))
            {
                try (TestClient leaving = connect(address))
                {
                    for (int i = 0; i < 3; i++)
                    {
                        roundTrip(leaving, 1_000 + 4_000 * i);
                    }
                }
                roundTrip(staying, 2_000);

                final long stopNs = System.nanoTime();
                proxy.destroy(); // SIGTERM

                Await.until("new connections to be refused", TIMEOUT_MS, () -> Listeners.isRefused(address));
                assertTrue(proxy.isAlive(), "still draining the open connection");
                roundTrip(staying, 30_000);
                staying.close();

                assertTrue(proxy.waitFor(SHUTDOWN_TIMEOUT_S + 5, TimeUnit.SECONDS), "exited");
                assertEquals(0, proxy.exitValue(), stderr());
                assertTrue(System.nanoTime() - stopNs < TimeUnit.SECONDS.toNanos(SHUTDOWN_TIMEOUT_S),
                    "exited when the last connection ended, not at the shutdown timeout");
            }
            final String log = stderr();
            assertTrue(log.contains("INFO io.mtgj.proxy shutting down"), log);
            assertTrue(log.contains("INFO io.mtgj.proxy every connection finished"), log);
            assertFalse(log.contains("Exception"), log);
            assertFalse(log.contains("[warning]"), "no JVM warning: " + log);
            assertEquals(5, dc.packetsEchoed());
        }
    }

    @Test
    void shouldReReadTheSecretsFileOnSighup() throws Exception
    {
        final Secret bob = Secret.generate(SecretMode.SIMPLE, null, random);
        final Path secrets = temp.resolve("secrets.txt");
        Files.writeString(secrets, "alice " + secret.toHex() + "\n");
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final Process proxy = start(IMAGE, "run", "-b", "127.0.0.1:0", "-4", "127.0.0.1", "-6", "::1",
                "--workers", "1", "--dc-address", "2=127.0.0.1:" + dc.address().getPort(), "-v",
                "--secrets", secrets.toAbsolutePath().toString());
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port());
            assertTrue(Files.readString(temp.resolve("stdout")).startsWith("alice tg://proxy?server=127.0.0.1&"),
                "each link after its user's name");
            try (TestClient alice = connect(address))
            {
                roundTripOrSayWhy(alice);
            }

            // Unchanged, so only the signal makes it read the file again.
            new ProcessBuilder("kill", "-HUP", String.valueOf(proxy.pid())).start().waitFor();
            Await.until("a reload on SIGHUP", TIMEOUT_MS, () -> stderrQuietly().contains("secrets file reloaded"));
            assertTrue(proxy.isAlive(), "SIGHUP does not stop the proxy");

            Files.writeString(secrets, "alice " + secret.toHex() + "\nbob " + bob.toHex() + "\n");
            new ProcessBuilder("kill", "-HUP", String.valueOf(proxy.pid())).start().waitFor();
            Await.until("bob to be served", TIMEOUT_MS, () -> stderrQuietly().contains("users=2"));
            try (TestClient client = TestClient.connect(address, bob, ProtocolTag.INTERMEDIATE, (short)2, random,
                TIMEOUT_MS))
            {
                roundTripOrSayWhy(client);
            }
            proxy.destroy();
            assertTrue(proxy.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS), "exited");
            assertEquals(0, proxy.exitValue(), stderr());
        }
    }

    /**
     * A round trip whose failure carries the proxy's log (run with -v: each connection's close and its reason).
     */
    private void roundTripOrSayWhy(final TestClient client) throws Exception
    {
        try
        {
            roundTrip(client, 1_000);
        }
        catch (final AssertionError | IOException ex)
        {
            Thread.sleep(200); // the close's log line
            throw new AssertionError("round trip failed; the proxy's log:\n" + stderr(), ex);
        }
    }

    private String stderrQuietly()
    {
        try
        {
            return stderr();
        }
        catch (final IOException notYet)
        {
            return "";
        }
    }

    @Test
    void shouldTakeRelativePathsFromTheDirectoryItRunsIn() throws Exception
    {
        final Path workdir = Files.createDirectories(temp.resolve("work"));
        Files.writeString(workdir.resolve("secrets.txt"), "alice " + secret.toHex() + "\n");
        Files.writeString(workdir.resolve("deny.txt"), "192.0.2.0/24\n");

        final Process missing = start(IMAGE, workdir, Map.of(), "run", "-b", "127.0.0.1:0", "-4", "127.0.0.1", "-6",
            "::1", "--blocklist", "nowhere.txt", secret.toHex());
        assertTrue(missing.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals(2, missing.exitValue());
        assertEquals("mtg: cannot read --blocklist " + workdir.toRealPath().resolve("nowhere.txt") +
            ": no such file\n", stderr());

        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final Process proxy = start(IMAGE, workdir, Map.of("MTG_STATE_DIR", "state"), "run", "-b",
                "127.0.0.1:0", "-4", "127.0.0.1", "-6", "::1", "--workers", "1", "--dc-address",
                "2=127.0.0.1:" + dc.address().getPort(), "--secrets", "secrets.txt", "--blocklist", "deny.txt");
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port());
            try (TestClient alice = connect(address))
            {
                roundTripOrSayWhy(alice);
            }
            proxy.destroy();
            assertTrue(proxy.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS), "exited");
            assertEquals(0, proxy.exitValue(), stderr());
            assertTrue(Files.readString(workdir.resolve("state").resolve("users-usage.tsv")).contains("alice\t"),
                "the usage saved under the user's directory");
        }
    }

    @Test
    void shouldStopCleanlyOnSigtermWhileStillStarting() throws Exception
    {
        // a public-address service that takes the connection and never answers: start-up waits for it (5 s)
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")))
        {
            final Process proxy = start(IMAGE, "run", "-b", "127.0.0.1:0", "--public-ip-url",
                "http://127.0.0.1:" + silent.getLocalPort() + "/", secret.toHex());
            Await.until("the proxy to be bound and detecting its address", TIMEOUT_MS,
                () -> stderrQuietly().contains("proxy started"));

            proxy.destroy(); // SIGTERM, before the links are printed

            assertTrue(proxy.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS), "exited");
            assertEquals(0, proxy.exitValue(), stderr());
            assertTrue(stderr().contains("proxy stopped"), stderr());
        }
    }

    @Test
    void shouldExitOneWithAClearMessageWhenThePortIsTaken() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")))
        {
            final String bind = "127.0.0.1:" + taken.getLocalPort();
            final Process proxy = start(IMAGE, "run", "-b", bind, "-4", "127.0.0.1", "-6", "::1", secret.toHex());

            assertTrue(proxy.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertEquals(1, proxy.exitValue());
            assertTrue(stderr().startsWith("mtg: cannot listen on " + bind + ": "), stderr());
            assertEquals("", Files.readString(temp.resolve("stdout")));
        }
    }

    @Test
    void shouldRunTheDistributionWithTheJdkOfJavaHome() throws Exception
    {
        final Path launcher;
        try (Stream<Path> versions = Files.list(DIST))
        {
            launcher = versions.map(dir -> dir.resolve("bin/mtg")).filter(Files::isExecutable).findFirst()
                .orElse(null);
        }
        catch (final IOException noDist)
        {
            assumeTrue(false, "no distribution: make dist builds it");
            return;
        }
        assumeTrue(null != launcher, "no distribution: make dist builds it");

        final Process mtg = start(launcher.getParent().getParent(),
            Map.of("JAVA_HOME", System.getProperty("java.home")), "generate-secret", "secured");

        assertTrue(mtg.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals(0, mtg.exitValue(), stderr());
        assertTrue(Files.readString(temp.resolve("stdout")).matches("dd[0-9a-f]{32}\\n"));
    }

    private Process start(final Path home, final String... args) throws IOException
    {
        return start(home, Map.of(), args);
    }

    /**
     * Start {@code home/bin/mtg} with a bare environment: PATH is an empty folder, so no java is found there.
     */
    private Process start(final Path home, final Map<String, String> env, final String... args) throws IOException
    {
        return start(home, null, env, args);
    }

    /**
     * @param workdir the directory to run in, or null for this process's.
     */
    private Process start(final Path home, final Path workdir, final Map<String, String> env, final String... args)
        throws IOException
    {
        final Path emptyPath = Files.createDirectories(temp.resolve("empty-path"));
        final List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/mtg").toAbsolutePath().toString());
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(temp.resolve("stdout").toFile())
            .redirectError(temp.resolve("stderr").toFile());
        if (null != workdir)
        {
            builder.directory(workdir.toFile());
        }
        builder.environment().clear();
        builder.environment().put("PATH", emptyPath.toString());
        builder.environment().putAll(env);
        final Process process = builder.start();
        processes.add(process);
        return process;
    }

    private int port() throws IOException
    {
        final Path stdout = temp.resolve("stdout");
        final int[] port = new int[1];
        Await.until("the links on stdout", TIMEOUT_MS, () ->
        {
            try
            {
                final Matcher matcher = PORT.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
                if (matcher.find())
                {
                    port[0] = Integer.parseInt(matcher.group(1));
                    return true;
                }
                return false;
            }
            catch (final IOException notYet)
            {
                return false;
            }
        });
        return port[0];
    }

    private String stderr() throws IOException
    {
        return Files.readString(temp.resolve("stderr"), StandardCharsets.UTF_8);
    }

    private TestClient connect(final InetSocketAddress address) throws IOException
    {
        return TestClient.connect(address, secret, ProtocolTag.INTERMEDIATE, (short)2, random, TIMEOUT_MS);
    }

    private void roundTrip(final TestClient client, final int length) throws IOException
    {
        final byte[] payload = new byte[length];
        random.nextBytes(payload);
        client.send(payload);
        assertArrayEquals(payload, client.receive());
    }

}
