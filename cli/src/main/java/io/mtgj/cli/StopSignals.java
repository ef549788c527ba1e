package io.mtgj.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM and SIGINT for {@code mtg run}, from the first moment: trapped before anything starts, so a stop asked for
 * while the proxy is still starting (binding, detecting its public address) is kept and carried out as soon as it
 * runs, with status 0, instead of the JVM's default exit 143 or 130. Once running: refuse new clients, let open ones
 * finish, exit 0; a second signal hurries it.
 */
final class StopSignals
{
    private final AtomicReference<RunCommand.Running> running = new AtomicReference<>();
    /** A stop came before the proxy ran and is still to be carried out. */
    private final AtomicBoolean pending = new AtomicBoolean();

    /**
     * Trap SIGTERM and SIGINT now.
     */
    void install()
    {
        SignalTrap.install(this::onSignal, "TERM", "INT");
    }

    private void onSignal()
    {
        final RunCommand.Running current = running.get();
        if (null != current)
        {
            current.shutdown();
            return;
        }
        pending.set(true);
        // the proxy may have started between the two reads: whoever clears the flag stops it
        final RunCommand.Running late = running.get();
        if (null != late && pending.compareAndSet(true, false))
        {
            late.shutdown();
        }
    }

    /**
     * The proxy runs: signals stop it from now on, and a stop asked for during start-up stops it now.
     *
     * @param started the running proxy.
     */
    void attach(final RunCommand.Running started)
    {
        running.set(started);
        if (null != started.proxy().users())
        {
            // with --secrets, SIGHUP re-reads the secrets file, as daemons do with their configuration
            SignalTrap.install(() -> started.proxy().reloadUsers(), "HUP");
        }
        // anything else that ends the JVM (SIGHUP without --secrets, the traps missing) still closes every connection
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "mtg-shutdown"));
        if (pending.compareAndSet(true, false))
        {
            // off this thread: it goes on to wait for the stop
            new Thread(started::shutdown, "mtg-early-stop").start();
        }
    }
}
