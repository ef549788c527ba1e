package io.mtgj.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Runs an action on SIGTERM and SIGINT instead of the JVM's default, which runs the shutdown hooks and exits with
 * status 143 or 130: a daemon asked to stop should finish its work and exit 0. Uses {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, part of every JDK and of the runtime image), looked up reflectively so the build carries
 * no proprietary-API warning. The JVM runs each signal's handler on a fresh thread, so the action may block.
 */
final class SignalTrap
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.cli");

    private SignalTrap()
    {
    }

    /**
     * @param action what to do on each signal, on the signal's own thread.
     * @param names  signal names without {@code SIG}: {@code TERM}, {@code INT}.
     * @return whether every handler was installed; when not (e.g. under {@code -Xrs}), the JVM's defaults stay.
     */
    static boolean install(final Runnable action, final String... names)
    {
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Constructor<?> newSignal = signalClass.getConstructor(String.class);
            final Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            final Object handler = Proxy.newProxyInstance(SignalTrap.class.getClassLoader(),
                new Class<?>[] {handlerClass}, (proxy, method, args) ->
                {
                    switch (method.getName())
                    {
                        case "handle":
                            action.run();
                            return null;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            return "mtg signal handler";
                    }
                });
            for (final String name : names)
            {
                handle.invoke(null, newSignal.newInstance(name), handler);
            }
            return true;
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            LOG.log(System.Logger.Level.WARNING, "cannot handle SIG{0} ({1}): the JVM's default stays (for TERM and " +
                "INT a stop closes connections at once and exits with the JVM's status)", String.join("/SIG", names),
                ex.toString());
            return false;
        }
    }
}
