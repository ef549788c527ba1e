package io.mtgj.perf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A proxy or relay started as its own process for the bench, so that its resident memory is its own and it shares
 * nothing with the load generator but the machine.
 */
final class ManagedProcess implements AutoCloseable
{
    private static final long START_TIMEOUT_MS = 30_000;

    private final Process process;
    private final InetSocketAddress address;
    private final String name;

    private ManagedProcess(final Process process, final InetSocketAddress address, final String name)
    {
        this.process = process;
        this.address = address;
        this.name = name;
    }

    /**
     * Start a command that will listen on {@code address}, and wait until it accepts connections.
     */
    static ManagedProcess start(final String name, final List<String> command, final InetSocketAddress address,
        final Path log) throws IOException, InterruptedException
    {
        return start(name, command, environment -> { }, address, log);
    }

    /**
     * Start a command with its environment changed by {@code environment} (which receives this process's
     * environment to edit), and wait until it accepts connections on {@code address}.
     */
    static ManagedProcess start(final String name, final List<String> command,
        final Consumer<Map<String, String>> environment, final InetSocketAddress address, final Path log)
        throws IOException, InterruptedException
    {
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        environment.accept(builder.environment());
        final Process process = builder.start();
        final ManagedProcess managed = new ManagedProcess(process, address, name);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true)
        {
            try (Socket probe = new Socket())
            {
                probe.connect(address, 200);
                return managed;
            }
            catch (final IOException notYet)
            {
                if (!process.isAlive() || System.nanoTime() > deadlineNs)
                {
                    managed.close();
                    throw new IOException(name + " did not start listening on " + address + "; see " + log);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * @return a loopback port that was free a moment ago.
     */
    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    InetSocketAddress address()
    {
        return address;
    }

    /**
     * @return whether the process is still running.
     */
    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * @throws IOException naming the process and its exit status when it is no longer running.
     */
    void requireAlive() throws IOException
    {
        if (!process.isAlive())
        {
            throw new IOException(name + " exited with status " + process.exitValue());
        }
    }

    /**
     * @return its exit status, or -1 while it runs.
     */
    int exitStatus()
    {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * @return resident set size in bytes, from /proc (Linux).
     */
    long residentBytes() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + name);
    }

    /**
     * @return the process's soft open-file limit, from /proc (Linux).
     */
    long openFileLimit() throws IOException
    {
        return openFileLimit(Path.of("/proc", String.valueOf(process.pid()), "limits"));
    }

    /**
     * @param limits a /proc/PID/limits file.
     * @return its soft open-file limit; {@link Long#MAX_VALUE} when unlimited or not listed.
     */
    static long openFileLimit(final Path limits) throws IOException
    {
        for (final String line : Files.readAllLines(limits))
        {
            if (line.startsWith("Max open files"))
            {
                final String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * @return CPU time the process has used, user and system, in nanoseconds (Linux, 100 ticks a second).
     */
    long cpuNanos() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        // Fields after the command name, which is in parentheses and may hold spaces.
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 10_000_000L;
    }

    @Override
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
