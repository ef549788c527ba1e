package io.mtgj.perf;

import io.mtgj.Proxy;
import io.mtgj.config.ProxyConfig;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code mtg-perf soak}: mixed traffic with connection churn against an in-process proxy for a bounded time, then
 * checks that file descriptors, pooled buffers and the heap are back at their baseline.
 */
final class Soak
{
    private static final long HEAP_SLACK_BYTES = 16L << 20;
    private static final int FD_SLACK = 16;

    private Soak()
    {
    }

    /**
     * @param durationMs how long to run the traffic.
     * @param out        progress and the report.
     * @return 0 when everything came back to baseline, 1 otherwise.
     */
    static int run(final long durationMs, final PrintStream out) throws IOException, InterruptedException
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, "soak.mtgj.test", new SecureRandom());
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(loopback, 0)))
        {
            final ProxyConfig config = ProxyConfig.builder(secret)
                .bind(new InetSocketAddress(loopback, 0))
                .dcAddress(2, dc.address())
                .ntpServers(List.of())
                .cloakHost("127.0.0.1")
                .cloakPort(1)
                .build();
            try (Proxy proxy = Proxy.start(config))
            {
                final long fdsBefore = openFileDescriptors();
                final long heapBefore = heapAfterGc();
                out.printf(Locale.ROOT, "soak: %d s of mixed traffic; baseline %d fds, %.1f MB heap%n",
                    durationMs / 1000, fdsBefore, heapBefore / 1e6);
                final List<LoadResult> results = Traffic.start(proxy.localAddress(), secret, durationMs).join();
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while ((proxy.activeConnections() > 0 || proxy.buffersInUse() > 0) && System.nanoTime() < deadline)
                {
                    Thread.sleep(100);
                }
                final long fdsAfter = openFileDescriptors();
                final long heapAfter = heapAfterGc();
                for (final LoadResult result : results)
                {
                    out.println(result.summary());
                }
                final boolean clean = 0 == proxy.activeConnections() && 0 == proxy.buffersInUse() &&
                    fdsAfter <= fdsBefore + FD_SLACK && heapAfter <= heapBefore + HEAP_SLACK_BYTES &&
                    0 == proxy.crashes();
                out.printf(Locale.ROOT, "after: %d connections, %d buffers in use, %d fds (baseline %d), " +
                    "%.1f MB heap (baseline %.1f), %d crashes, %d handshakes: %s%n", proxy.activeConnections(),
                    proxy.buffersInUse(), fdsAfter, fdsBefore, heapAfter / 1e6, heapBefore / 1e6, proxy.crashes(),
                    proxy.handshakes(), clean ? "CLEAN" : "LEAK");
                return clean ? 0 : 1;
            }
        }
    }

    /**
     * Churn (a handshake, one round trip, close), steady echo, bulk both ways, all at once.
     */
    private static List<LoadSettings> mix(final InetSocketAddress proxy, final Secret secret, final long durationMs)
    {
        return List.of(
            new LoadSettings(proxy, secret, ProtocolTag.PADDED_INTERMEDIATE, (short)2, 8, durationMs, 0, 16, 16,
                LoadMode.HANDSHAKE_ONLY, 0, 10_000),
            new LoadSettings(proxy, secret, ProtocolTag.PADDED_INTERMEDIATE, (short)2, 50, durationMs, 0, 64,
                16 * 1024, LoadMode.ECHO, 2_000, 10_000),
            new LoadSettings(proxy, secret, ProtocolTag.PADDED_INTERMEDIATE, (short)-2, 1, durationMs, 0,
                64 * 1024, 64 * 1024, LoadMode.DOWNLOAD, 0, 10_000),
            new LoadSettings(proxy, secret, ProtocolTag.PADDED_INTERMEDIATE, (short)2, 1, durationMs, 0,
                64 * 1024, 64 * 1024, LoadMode.UPLOAD, 0, 10_000));
    }

    private static long openFileDescriptors() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }

    private static long heapAfterGc() throws InterruptedException
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * The soak's {@link #mix} against any proxy (in this process or not), each load in its own thread, so the
     * caller can look at the proxy while it runs.
     */
    static final class Traffic
    {
        private final List<Thread> threads = new ArrayList<>();
        private final List<LoadResult> results = new ArrayList<>();

        private Traffic()
        {
        }

        /**
         * @param proxy      the proxy.
         * @param secret     its secret.
         * @param durationMs how long each load runs.
         * @return the running traffic.
         */
        static Traffic start(final InetSocketAddress proxy, final Secret secret, final long durationMs)
        {
            final Traffic traffic = new Traffic();
            for (final LoadSettings settings : mix(proxy, secret, durationMs))
            {
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        final LoadResult result = new LoadGenerator(settings).run(null);
                        synchronized (traffic.results)
                        {
                            traffic.results.add(result);
                        }
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }, "soak-" + settings.mode().cliName());
                traffic.threads.add(thread);
                thread.start();
            }
            return traffic;
        }

        /**
         * @return each load's result, once all have finished.
         * @throws InterruptedException when interrupted.
         */
        List<LoadResult> join() throws InterruptedException
        {
            for (final Thread thread : threads)
            {
                thread.join();
            }
            synchronized (results)
            {
                return new ArrayList<>(results);
            }
        }
    }
}
