package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16, point 3: a new proxy process takes over the port from a running one and no client is refused, while the
 * old one drains its open connections. Clients connect, hand-shake and echo in a loop on several threads throughout;
 * every one of them must succeed. Both ways of sharing the port are run on the runtime image:
 * <ul>
 *     <li>an inherited listening socket, as systemd passes it with {@code StandardInput=socket}: a Perl script (Perl is
 *     part of every Debian) stands in for systemd, holding the socket and starting each process with it on standard
 *     input;</li>
 *     <li>{@code --reuse-port}, with {@code net.ipv4.tcp_migrate_req=1}, which the test sets when it can (root, as on
 *     CI) and restores after.</li>
 * </ul>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HandoverTest
{
    private static final Path IMAGE = Path.of("..", "jlink", "target", "image");
    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
    private static final int TIMEOUT_MS = 10_000;
    private static final int CLIENT_THREADS = 4;
    private static final int SESSIONS_PER_PHASE = 100;
    private static final long PHASE_TIMEOUT_MS = 30_000;
    private static final String HOLDER = String.join("\n",
        "use strict; use Socket;",
        "socket(my $s, PF_INET, SOCK_STREAM, getprotobyname('tcp')) or die \"socket: $!\";",
        "setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1) or die;",
        "bind($s, pack_sockaddr_in(0, inet_aton('127.0.0.1'))) or die \"bind: $!\";",
        "listen($s, 4096) or die \"listen: $!\";",
        "my ($port) = unpack_sockaddr_in(getsockname($s));",
        "$| = 1; $SIG{CHLD} = 'IGNORE'; print \"port $port\\n\";",
        "while (my $line = <STDIN>) {",
        "  chomp $line; my $log = $line;",
        "  my $pid = fork(); defined $pid or die \"fork: $!\";",
        "  if (0 == $pid) {",
        "    open(STDIN, '<&', $s) or die; open(STDOUT, '>', \"$log.out\") or die;",
        "    open(STDERR, '>', \"$log.err\") or die; exec @ARGV or die \"exec: $!\";",
        "  }",
        "  print \"pid $pid\\n\";",
        "}");

    private final Secret secret = Secret.generate(SecretMode.SIMPLE, null, new Random(316));
    private final List<ProcessHandle> proxies = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private String migrateReqBefore;

    @TempDir
    Path temp;

    @BeforeEach
    void requireTheImage()
    {
        assumeTrue(Files.isExecutable(IMAGE.resolve("bin/mtg")), "no runtime image: make image builds it");
    }

    @AfterEach
    void cleanUp() throws IOException
    {
        proxies.forEach(ProcessHandle::destroyForcibly);
        processes.forEach(Process::destroyForcibly);
        if (null != migrateReqBefore)
        {
            Files.writeString(MIGRATE_REQ, migrateReqBefore);
        }
    }

    @Test
    void shouldHandOverAnInheritedSocketRefusingNoOne() throws Exception
    {
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final List<String> command = new ArrayList<>(List.of("/usr/bin/perl", "-e", HOLDER, "--"));
            command.add(IMAGE.resolve("bin/mtg").toAbsolutePath().toString());
            command.addAll(runArguments(dc));
            final Process holder = new ProcessBuilder(command).redirectError(temp.resolve("holder.err").toFile())
                .start();
            processes.add(holder);
            final BufferedReader answers = new BufferedReader(
                new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
            final PrintWriter orders = new PrintWriter(holder.getOutputStream(), true, StandardCharsets.US_ASCII);
            final String portLine = answers.readLine();
            assertTrue(null != portLine && portLine.startsWith("port "), "the holder's socket: " + portLine +
                " " + Files.readString(temp.resolve("holder.err")));
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                Integer.parseInt(portLine.substring(5)));

            handOver(address, () -> startHeld(orders, answers, "old"), () -> startHeld(orders, answers, "new"));

            assertTrue(log("old").contains(" listener=inherited"), log("old"));
        }
    }

    @Test
    void shouldHandOverWithReusePortRefusingNoOne() throws Exception
    {
        assumeTrue(Files.isRegularFile(MIGRATE_REQ), "this kernel cannot move queued connections (Linux 5.14+)");
        final String migrate = Files.readString(MIGRATE_REQ).trim();
        if (!"1".equals(migrate))
        {
            assumeTrue(Files.isWritable(MIGRATE_REQ), "net.ipv4.tcp_migrate_req is 0 and only root can set it");
            migrateReqBefore = migrate;
            Files.writeString(MIGRATE_REQ, "1");
        }
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final int port;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
            {
                port = free.getLocalPort();
            }
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
            final List<String> args = new ArrayList<>(runArguments(dc));
            args.addAll(1, List.of("--reuse-port", "-b", "127.0.0.1:" + port));
            handOver(address, () -> startOwn("old", args), () -> startOwn("new", args));

            assertTrue(log("old").contains(" listener=reuse_port"), log("old"));
        }
    }

    /**
     * The old proxy serves a client loop; the new one starts beside it; the old one is sent SIGTERM while a client
     * of its own is still open, drains it and exits; the loop runs on against the new one. Not one session may fail.
     */
    private void handOver(final InetSocketAddress address, final Starter old, final Starter next) throws Exception
    {
        final ProcessHandle oldProxy = old.start();
        awaitLog("old", "proxy started");
        final Load load = new Load(address);
        try
        {
            load.awaitSessions(SESSIONS_PER_PHASE);
            try (TestClient staying = connect(address, new Random(1)))
            {
                roundTrip(staying, 1_000);

                next.start();
                awaitLog("new", "proxy started");
                load.awaitSessions(SESSIONS_PER_PHASE);

                oldProxy.destroy(); // SIGTERM
                awaitLog("old", "shutting down");
                load.awaitSessions(SESSIONS_PER_PHASE);
                roundTrip(staying, 20_000); // a client of the old process, draining
            }
            awaitLog("old", "proxy stopped");
            Await.until("the old process to exit", PHASE_TIMEOUT_MS, () -> !oldProxy.isAlive());
            load.awaitSessions(SESSIONS_PER_PHASE);
        }
        finally
        {
            load.stop();
        }
        assertEquals(List.of(), new ArrayList<>(load.failures), load.sessions.get() + " sessions, failures");
        final String oldLog = log("old");
        assertTrue(oldLog.contains("every connection finished"), oldLog);
        assertTrue(oldLog.contains("proxy stopped"), oldLog);
        assertTrue(load.sessions.get() >= 4L * SESSIONS_PER_PHASE);
    }

    private List<String> runArguments(final FakeDc dc)
    {
        return List.of("run", "-4", "127.0.0.1", "-6", "::1", "--workers", "2", "--dc-address",
            "2=127.0.0.1:" + dc.address().getPort(), "--shutdown-timeout", "30s", secret.toHex());
    }

    private ProcessHandle startHeld(final PrintWriter orders, final BufferedReader answers, final String name)
        throws IOException
    {
        orders.println(temp.resolve(name).toString());
        final String pidLine = answers.readLine();
        assertTrue(null != pidLine && pidLine.startsWith("pid "), "started: " + pidLine);
        final ProcessHandle handle = ProcessHandle.of(Long.parseLong(pidLine.substring(4))).orElseThrow();
        proxies.add(handle);
        return handle;
    }

    private ProcessHandle startOwn(final String name, final List<String> args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(IMAGE.resolve("bin/mtg").toAbsolutePath().toString());
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(temp.resolve(name + ".out").toFile())
            .redirectError(temp.resolve(name + ".err").toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/bin:/bin"));
        final Process process = builder.start();
        processes.add(process);
        return process.toHandle();
    }

    private void awaitLog(final String name, final String text)
    {
        try
        {
            Await.until(name + " proxy's log to say '" + text + "'", PHASE_TIMEOUT_MS, () -> log(name).contains(text));
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + "; it says:\n" + log(name), ex);
        }
    }

    private String log(final String name)
    {
        try
        {
            return Files.readString(temp.resolve(name + ".err"), StandardCharsets.UTF_8);
        }
        catch (final IOException notYet)
        {
            return "";
        }
    }

    private TestClient connect(final InetSocketAddress address, final Random random) throws IOException
    {
        return TestClient.connect(address, secret, ProtocolTag.INTERMEDIATE, (short)2, random, TIMEOUT_MS);
    }

    private static void roundTrip(final TestClient client, final int length) throws IOException
    {
        final byte[] payload = new byte[length];
        Arrays.fill(payload, (byte)length);
        client.send(payload);
        assertArrayEquals(payload, client.receive());
    }

    @FunctionalInterface
    private interface Starter
    {
        ProcessHandle start() throws IOException;
    }

    /**
     * Client threads, each connecting, echoing a packet and closing in a loop, recording every failure.
     */
    private final class Load
    {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sessions = new AtomicLong();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        Load(final InetSocketAddress address)
        {
            for (int i = 0; i < CLIENT_THREADS; i++)
            {
                final Random random = new Random(1000 + i);
                final Thread thread = new Thread(() ->
                {
                    final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                    while (running.get() && System.nanoTime() < endNs && failures.size() < 10)
                    {
                        try (TestClient client = connect(address, random))
                        {
                            roundTrip(client, 64);
                            sessions.incrementAndGet();
                        }
                        catch (final IOException | AssertionError ex)
                        {
                            failures.add(ex.toString());
                        }
                    }
                }, "handover-client-" + i);
                threads.add(thread);
                thread.start();
            }
        }

        void awaitSessions(final long more)
        {
            final long target = sessions.get() + more;
            Await.until(more + " more sessions", PHASE_TIMEOUT_MS,
                () -> sessions.get() >= target || !failures.isEmpty());
        }

        void stop() throws InterruptedException
        {
            running.set(false);
            for (final Thread thread : threads)
            {
                thread.join(TIMEOUT_MS);
            }
        }
    }
}
