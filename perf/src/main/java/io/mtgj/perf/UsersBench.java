package io.mtgj.perf;

import io.mtgj.config.Durations;
import io.mtgj.perf.UserSecrets.User;
import io.mtgj.perf.UserSecrets.Variant;
import org.apache.commons.cli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleBiFunction;

/**
 * {@code mtg-perf users-bench}: handshakes per second of the runtime image with many users ({@code mtg run --secrets
 * FILE}), as a ratio to the rate with one user measured in the same run, and memory per user.
 * <p>
 * The users come from {@link UserSecrets} (a fixed seed; FakeTLS users on one host, on a host each, or secured
 * ones). For each run, variant and size (the sizes ascending in odd runs, descending in even ones) a fresh proxy
 * starts in direct mode against the fake DC of this process, and:
 * <ol>
 *     <li>after a second, its RSS is read (fresh);</li>
 *     <li>priming: every user visits once, in a seeded random order, each from its own loopback address
 *     ({@link SourceAddresses}), so that the proxy has seen every user's address, as it has in steady state where
 *     users come back; bounded by {@code --prime-limit}. Unmeasured visits with random users follow until
 *     {@code --warmup} visits were made in all (the image's C2-only JIT compiles the handshake path after about
 *     10,000), bounded by {@code --warmup-limit};</li>
 *     <li>RSS after the warm-up;</li>
 *     <li>per-user addresses: for {@code --duration}, {@code --concurrency} clients visit, each visit a user chosen
 *     uniformly at random, from that user's address: handshakes per second, and the proxy's CPU per handshake;</li>
 *     <li>cold: the same, every client from 127.0.0.1, so the per-address hint names the wrong user almost every
 *     time (the worst case);</li>
 *     <li>RSS after the run.</li>
 * </ol>
 * A visit ({@link UserVisit}) connects, does the user's full client handshake, checks the echo of one small
 * packet through the fake DC, and closes. Memory per user is (RSS with N users - RSS with one user) / (N - 1), from
 * the same run. Every loop is bounded in count and time; everything stays on 127.0.0.0/8.
 */
final class UsersBench
{
    /** Issue 15's target: this many users keep {@link #TARGET_RATIO} of the 1-user handshake rate. */
    static final int TARGET_USERS = 100;
    /** The share of the 1-user handshake rate {@link #TARGET_USERS} users keep at least. */
    static final double TARGET_RATIO = 0.7;
    private static final int TIMEOUT_MS = 10_000;
    private static final long SETTLE_MS = 1_000;
    private static final int START_ATTEMPTS = 3;
    /** Share of a phase's visits that may fail before the run counts as failed. */
    private static final double MAX_ERROR_SHARE = 0.01;
    /** Failed visits a phase tolerates before it checks the share and may stop early. */
    private static final int ERRORS_BEFORE_STOPPING = 20;
    /** The count bound of a measured phase, which its duration ends long before. */
    private static final long MAX_PHASE_VISITS = 100_000_000L;

    /**
     * The phases of one proxy's run; each has its own stream of random choices.
     */
    enum PhaseKind
    {
        /** Every user once, from its own address. */
        PRIME,
        /** Random users from their own addresses, unmeasured. */
        WARMUP,
        /** Random users from their own addresses, measured. */
        OWN_ADDRESS,
        /** Random users, all from 127.0.0.1, measured. */
        COLD
    }

    private final UsersBenchSettings settings;
    private final PrintStream out;
    private final Path launcher;
    private final InetAddress loopback;
    private final Map<Variant, List<User>> users = new EnumMap<>(Variant.class);
    private final InetAddress[] sources;
    /** [variant index][size index][run]; null where a run failed. */
    private final RunFigures[][][] figures;
    private final List<String> failures = new ArrayList<>();

    private UsersBench(final UsersBenchSettings settings, final PrintStream out)
    {
        this.settings = settings;
        this.out = out;
        this.launcher = settings.image().resolve("bin").resolve("mtg").toAbsolutePath();
        this.loopback = SourceAddresses.shared();
        this.sources = new InetAddress[settings.maxSize()];
        for (int i = 0; i < sources.length; i++)
        {
            sources[i] = SourceAddresses.forUser(i);
        }
        this.figures = new RunFigures[settings.variants().size()][settings.sizes().size()][settings.runs()];
    }

    /**
     * @param line parsed {@link UsersBenchSettings#options()}.
     * @param out  progress and the tables.
     * @return 0 when every run finished, {@link PerfMain#STATUS_FAILED} when one did not.
     */
    static int run(final CommandLine line, final PrintStream out) throws IOException, InterruptedException
    {
        return new UsersBench(UsersBenchSettings.from(line), out).run();
    }

    private int run() throws IOException, InterruptedException
    {
        if (!Files.isExecutable(launcher))
        {
            throw new IllegalArgumentException("no runtime image at " + settings.image() + " (make image builds it)");
        }
        Files.createDirectories(settings.logs());
        for (final Variant variant : settings.variants())
        {
            users.put(variant, UserSecrets.generate(variant, settings.maxSize(), settings.seed()));
        }
        out.printf(Locale.ROOT, "users-bench: %s with its default profile%s, mtg run --secrets FILE, direct mode; " +
            "sizes %s; variants %s; %d visits at a time; warm-up %d visits (priming at most %s, the rest at most " +
            "%s), then %s per phase; seed %d; java %s on %d CPUs; KB and MB = 10^3 and 10^6 bytes; logs and secrets " +
            "files in %s%n", launcher, settings.proxyFlags().isEmpty() ? "" : " and flags " + settings.proxyFlags(),
            settings.sizes(), variantNames(), settings.concurrency(), settings.warmupVisits(),
            Durations.format(settings.primeLimitMs()), Durations.format(settings.warmupLimitMs()),
            Durations.format(settings.durationMs()), settings.seed(),
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), settings.logs());
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(loopback, 0)))
        {
            for (int run = 0; run < settings.runs(); run++)
            {
                for (int v = 0; v < settings.variants().size(); v++)
                {
                    // Alternate the sizes' order, so that a trend on the machine does not favour one size.
                    for (int i = 0; i < settings.sizes().size(); i++)
                    {
                        final int s = 0 == run % 2 ? i : settings.sizes().size() - 1 - i;
                        measure(v, s, run, dc);
                    }
                }
            }
        }
        printTables();
        return failures.isEmpty() ? 0 : PerfMain.STATUS_FAILED;
    }

    private void measure(final int variantIndex, final int sizeIndex, final int run, final FakeDc dc)
        throws InterruptedException
    {
        final Variant variant = settings.variants().get(variantIndex);
        final int size = settings.sizes().get(sizeIndex);
        final String name = String.format(Locale.ROOT, "run %d, %s, %d users", run + 1, variant.cliName(), size);
        try
        {
            final RunFigures measured = measureOnce(variant, size, run, dc);
            figures[variantIndex][sizeIndex][run] = measured;
            out.println(name + ": " + measured.summary());
        }
        catch (final IOException | RuntimeException ex)
        {
            final String failure = name + ": " + ex.getMessage() + " (logs in " + settings.logs() + ")";
            failures.add(failure);
            out.println("FAILED: " + failure);
        }
    }

    private RunFigures measureOnce(final Variant variant, final int size, final int run, final FakeDc dc)
        throws IOException, InterruptedException
    {
        final List<User> all = users.get(variant).subList(0, size);
        final String name = variant.cliName() + "-" + size + "-run" + (run + 1);
        final Path file = UserSecrets.write(settings.logs().resolve("users-" + variant.cliName() + "-" + size +
            ".txt"), variant, all, settings.seed());
        try (ManagedProcess proxy = start(name, file, dc))
        {
            Thread.sleep(SETTLE_MS);
            final long freshBytes = proxy.residentBytes();
            final Phase prime = drive(proxy.address(), all, PhaseKind.PRIME, settings.primeLimitMs(), size, run);
            final long warmupLeft = settings.warmupVisits() - prime.visits();
            if (warmupLeft > 0)
            {
                drive(proxy.address(), all, PhaseKind.WARMUP, settings.warmupLimitMs(), warmupLeft, run);
            }
            final long warmBytes = proxy.residentBytes();
            final long cpuStartNs = proxy.cpuNanos();
            final Phase ownAddress = drive(proxy.address(), all, PhaseKind.OWN_ADDRESS, settings.durationMs(),
                MAX_PHASE_VISITS, run);
            final long cpuMiddleNs = proxy.cpuNanos();
            final Phase cold = settings.cold() ?
                drive(proxy.address(), all, PhaseKind.COLD, settings.durationMs(), MAX_PHASE_VISITS, run) : Phase.NONE;
            final long cpuEndNs = proxy.cpuNanos();
            proxy.requireAlive();
            final long endBytes = proxy.residentBytes();
            return new RunFigures(size, freshBytes, warmBytes, endBytes, prime, ownAddress, cpuMiddleNs - cpuStartNs,
                cold, cpuEndNs - cpuMiddleNs);
        }
    }

    /**
     * Start the image with the secrets file, again on another port when it could not listen (a port free a moment
     * ago may meanwhile be the local port of one of the connections this process opens).
     */
    private ManagedProcess start(final String name, final Path file, final FakeDc dc)
        throws IOException, InterruptedException
    {
        for (int attempt = 1; ; attempt++)
        {
            final InetSocketAddress address = new InetSocketAddress(loopback, ManagedProcess.freePort());
            final List<String> flags = new ArrayList<>(settings.proxyFlags());
            // --secrets FILE takes the positional secret's place, so the file comes last; absolute, because
            // bin/mtg runs Java from the image's folder.
            flags.add("--secrets");
            final List<String> command = ImageProxy.command(launcher, address, dc.address(), flags,
                file.toAbsolutePath().toString(), List.of());
            final Path log = settings.logs().resolve(name + ".log");
            Files.deleteIfExists(log);
            try
            {
                return ImageProxy.start(name, command, "", address, log);
            }
            catch (final IOException ex)
            {
                if (attempt == START_ATTEMPTS)
                {
                    throw ex;
                }
                out.println(name + ": " + ex.getMessage() + "; again on another port");
            }
        }
    }

    /**
     * {@code --concurrency} clients visiting until {@code maxVisits} visits have started or {@code limitMs} has
     * passed; in {@link PhaseKind#PRIME} each user once, in a seeded random order ({@code maxVisits} is then the
     * number of users).
     *
     * @return what the clients did.
     * @throws IOException when more than {@value #MAX_ERROR_SHARE} of the visits failed, or a client did not finish.
     */
    private Phase drive(final InetSocketAddress target, final List<User> all, final PhaseKind kind,
        final long limitMs, final long maxVisits, final int run) throws IOException, InterruptedException
    {
        final int size = all.size();
        final int[] order = PhaseKind.PRIME == kind ? shuffled(size, new Random(settings.seed())) : null;
        final AtomicLong started = new AtomicLong();
        final AtomicLong visits = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final byte[] packet = IdleConnections.packet(new Random(settings.seed()), settings.packetLength());
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(limitMs);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < settings.concurrency(); t++)
        {
            final Random random = new Random(visitSeed(settings.seed(), kind, run, t));
            final Thread thread = new Thread(() ->
            {
                while (System.nanoTime() < deadlineNs && !tooManyErrors(errors.get(), visits.get() + errors.get()))
                {
                    final long next = started.getAndIncrement();
                    if (next >= maxVisits)
                    {
                        break;
                    }
                    final int user = null != order ? order[(int)next] : random.nextInt(size);
                    try
                    {
                        UserVisit.visit(target, PhaseKind.COLD == kind ? loopback : sources[user],
                            all.get(user).secret(), packet, random, TIMEOUT_MS);
                        visits.incrementAndGet();
                    }
                    catch (final IOException | RuntimeException ex)
                    {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, all.get(user).name() + ": " + ex);
                    }
                }
            }, "users-bench-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())) + 2L * TIMEOUT_MS);
            if (thread.isAlive())
            {
                throw new IOException(kind + ": a client was still visiting " + 2 * TIMEOUT_MS / 1000 +
                    " s after the phase ended");
            }
        }
        final Phase phase = new Phase(visits.get(), errors.get(), System.nanoTime() - startNs, firstError.get());
        if (phase.errors() > maxErrors(phase.visits() + phase.errors()) || 0 == phase.visits())
        {
            throw new IOException(String.format(Locale.ROOT, "%s: %d of %d visits failed, the first with %s", kind,
                phase.errors(), phase.visits() + phase.errors(), phase.firstError()));
        }
        return phase;
    }

    /**
     * @return whether a phase with these counts so far should stop: past a few errors, more than the share allowed.
     */
    static boolean tooManyErrors(final long errors, final long attempts)
    {
        return errors > ERRORS_BEFORE_STOPPING && errors > maxErrors(attempts);
    }

    /**
     * @return the failed visits a phase of {@code attempts} visits may have and still count.
     */
    static long maxErrors(final long attempts)
    {
        return (long)Math.floor(attempts * MAX_ERROR_SHARE);
    }

    /**
     * @return the seed of one client's stream in one phase: distinct per phase, run and client, so that no two
     *         hellos or frames of one proxy's life repeat (its anti-replay cache would refuse the second).
     */
    static long visitSeed(final long seed, final PhaseKind kind, final int run, final int client)
    {
        return seed * 1_000_003L + (run * (long)PhaseKind.values().length + kind.ordinal()) * 65_537L + client;
    }

    /**
     * @return 0 to {@code count - 1} in a random order (Fisher-Yates).
     */
    static int[] shuffled(final int count, final Random random)
    {
        final int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private String variantNames()
    {
        final StringBuilder names = new StringBuilder();
        for (final Variant variant : settings.variants())
        {
            names.append(0 == names.length() ? "" : ", ").append(variant.cliName()).append(" (")
                .append(variant.description()).append(')');
        }
        return names.toString();
    }

    private void printTables()
    {
        out.println();
        out.printf(Locale.ROOT, "Medians of %d runs, fresh proxy per variant and size; per-user addresses: each user " +
            "from its own 127.x.y.z, every user primed with one visit first; cold: every client from 127.0.0.1; " +
            "ratio: to the 1-user rate of the same variant and run (median of the per-run ratios); CPU: the " +
            "proxy's user + system time per handshake.%n", settings.runs());
        out.println();
        out.println("| variant | users | ratio to 1 user | handshakes/s | cold: ratio to 1 user | cold: " +
            "handshakes/s | proxy CPU per handshake | cold: proxy CPU per handshake |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (int v = 0; v < settings.variants().size(); v++)
        {
            for (int s = 0; s < settings.sizes().size(); s++)
            {
                out.println("| " + settings.variants().get(v).cliName() + " | " + settings.sizes().get(s) + " | " +
                    format("%.2fx", ratioMedian(v, s, f -> f.ownAddress().rate())) + " | " +
                    format("%.0f", median(v, s, f -> f.ownAddress().rate())) + " | " +
                    format("%.2fx", ratioMedian(v, s, f -> f.cold().rate())) + " | " +
                    format("%.0f", median(v, s, f -> f.cold().rate())) + " | " +
                    format("%.3f ms", median(v, s, RunFigures::ownAddressCpuMs)) + " | " +
                    format("%.3f ms", median(v, s, RunFigures::coldCpuMs)) + " |");
            }
        }
        out.println();
        out.println("Memory per user: (RSS with N users - RSS with 1 user) / (N - 1), same variant and run.");
        out.println();
        out.println("| variant | users | memory per user after warm-up | after the run | RSS fresh | RSS after " +
            "warm-up | RSS after the run | users primed | visits failed per run |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (int v = 0; v < settings.variants().size(); v++)
        {
            for (int s = 0; s < settings.sizes().size(); s++)
            {
                final int size = settings.sizes().get(s);
                out.println("| " + settings.variants().get(v).cliName() + " | " + size + " | " +
                    format("%.0f B", perUserMedian(v, s, RunFigures::warmBytes)) + " | " +
                    format("%.0f B", perUserMedian(v, s, RunFigures::endBytes)) + " | " +
                    format("%.1f MB", median(v, s, f -> Figures.mb(f.freshBytes()))) + " | " +
                    format("%.1f MB", median(v, s, f -> Figures.mb(f.warmBytes()))) + " | " +
                    format("%.1f MB", median(v, s, f -> Figures.mb(f.endBytes()))) + " | " +
                    format("%.0f", median(v, s, f -> f.prime().visits())) + " of " + size + " | " +
                    format("%.0f", median(v, s, RunFigures::errors)) + " |");
            }
        }
        out.println();
        final int target = settings.sizes().indexOf(TARGET_USERS);
        if (target >= 0)
        {
            final StringBuilder text = new StringBuilder("Target: " + TARGET_USERS + " users at or above " +
                Math.round(TARGET_RATIO * 100) + "% of the 1-user rate (per-user addresses):");
            for (int v = 0; v < settings.variants().size(); v++)
            {
                final double ratio = ratioMedian(v, target, f -> f.ownAddress().rate());
                text.append(v > 0 ? ";" : "").append(' ').append(settings.variants().get(v).cliName()).append(' ')
                    .append(format("%.2fx", ratio)).append(Double.isNaN(ratio) ? "" : ratio >= TARGET_RATIO ?
                    " met" : " MISSED");
            }
            out.println(text);
        }
        for (final String failure : failures)
        {
            out.println("FAILED: " + failure);
        }
    }

    private double median(final int variant, final int size, final Figure figure)
    {
        final double[] values = new double[settings.runs()];
        for (int run = 0; run < values.length; run++)
        {
            final RunFigures measured = figures[variant][size][run];
            values[run] = null == measured ? Double.NaN : figure.of(measured);
        }
        return medianOf(values);
    }

    /**
     * @return the median over runs of a figure's ratio to the 1-user figure of the same run.
     */
    private double ratioMedian(final int variant, final int size, final Figure figure)
    {
        return againstOneUser(variant, size, (measured, one) -> Figures.ratio(figure.of(measured), figure.of(one)));
    }

    /**
     * @return the median over runs of the memory per user, from a figure in bytes and the 1-user one of the run.
     */
    private double perUserMedian(final int variant, final int size, final Figure bytes)
    {
        return againstOneUser(variant, size,
            (measured, one) -> bytesPerUser(bytes.of(measured), bytes.of(one), measured.users()));
    }

    /**
     * @return the median over runs of what {@code compare} makes of a run's figures and the 1-user ones of that run;
     *         a run missing either counts as NaN.
     */
    private double againstOneUser(final int variant, final int size,
        final ToDoubleBiFunction<RunFigures, RunFigures> compare)
    {
        final double[] values = new double[settings.runs()];
        for (int run = 0; run < values.length; run++)
        {
            final RunFigures measured = figures[variant][size][run];
            final RunFigures one = figures[variant][0][run];
            values[run] = null == measured || null == one ? Double.NaN : compare.applyAsDouble(measured, one);
        }
        return medianOf(values);
    }

    /**
     * @param withUsersBytes RSS with {@code users} users.
     * @param withOneBytes   RSS with one user.
     * @param users          how many users.
     * @return bytes per user beyond the first; NaN for one user (nothing to divide).
     */
    static double bytesPerUser(final double withUsersBytes, final double withOneBytes, final int users)
    {
        return users > 1 ? (withUsersBytes - withOneBytes) / (users - 1) : Double.NaN;
    }

    /**
     * @param values figures, NaN where a run failed or measured nothing.
     * @return the median of those that are numbers, NaN when none is.
     */
    static double medianOf(final double[] values)
    {
        int count = 0;
        final double[] numbers = new double[values.length];
        for (final double value : values)
        {
            if (!Double.isNaN(value))
            {
                numbers[count++] = value;
            }
        }
        return 0 == count ? Double.NaN : Figures.median(Arrays.copyOf(numbers, count));
    }

    private static String format(final String format, final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    /**
     * One figure of a run.
     */
    @FunctionalInterface
    interface Figure
    {
        double of(RunFigures run);
    }

    /**
     * What the clients of one phase did.
     *
     * @param visits     visits that completed: handshake accepted, echo checked.
     * @param errors     visits that failed.
     * @param elapsedNs  from the phase's start until its last client finished.
     * @param firstError the first failure, or null.
     */
    record Phase(long visits, long errors, long elapsedNs, String firstError)
    {
        /** A phase not run. */
        static final Phase NONE = new Phase(0, 0, 0, null);

        /**
         * @return completed visits (handshakes) per second; NaN when not run.
         */
        double rate()
        {
            return elapsedNs > 0 ? visits * 1e9 / elapsedNs : Double.NaN;
        }

        /**
         * @param cpuNs the proxy's CPU time over the phase.
         * @return milliseconds of it per completed visit; NaN without visits.
         */
        double cpuMsPerVisit(final long cpuNs)
        {
            return visits > 0 ? cpuNs / 1e6 / visits : Double.NaN;
        }
    }

    /**
     * What one fresh proxy measured.
     *
     * @param users           how many users its secrets file held.
     * @param freshBytes      RSS a second after it started.
     * @param warmBytes       RSS after priming and warm-up.
     * @param endBytes        RSS after the measured phases.
     * @param prime           the priming phase: one visit per user, from its own address.
     * @param ownAddress      the measured phase with each user from its own address.
     * @param ownAddressCpuNs the proxy's CPU time over it.
     * @param cold            the measured phase with every client from 127.0.0.1, or {@link Phase#NONE}.
     * @param coldCpuNs       the proxy's CPU time over it.
     */
    record RunFigures(
        int users,
        long freshBytes,
        long warmBytes,
        long endBytes,
        Phase prime,
        Phase ownAddress,
        long ownAddressCpuNs,
        Phase cold,
        long coldCpuNs)
    {
        double ownAddressCpuMs()
        {
            return ownAddress.cpuMsPerVisit(ownAddressCpuNs);
        }

        double coldCpuMs()
        {
            return cold.cpuMsPerVisit(coldCpuNs);
        }

        /**
         * @return failed visits over every phase but the unmeasured top-up warm-up.
         */
        double errors()
        {
            return prime.errors() + ownAddress.errors() + cold.errors();
        }

        String summary()
        {
            return String.format(Locale.ROOT, "primed %d users in %.1f s (%.0f/s); per-user addresses %.0f " +
                "handshakes/s, %.3f ms proxy CPU each; cold %s handshakes/s, %s ms CPU each; %.0f visits failed; " +
                "RSS %.1f MB fresh, %.1f MB after warm-up, %.1f MB at the end", prime.visits(),
                prime.elapsedNs() / 1e9, prime.rate(), ownAddress.rate(), ownAddressCpuMs(),
                format("%.0f", cold.rate()), format("%.3f", coldCpuMs()), errors(), Figures.mb(freshBytes),
                Figures.mb(warmBytes), Figures.mb(endBytes));
        }
    }
}
