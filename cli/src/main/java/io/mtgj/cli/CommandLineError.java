package io.mtgj.cli;

/**
 * A command that cannot go on: its message is printed as the one line {@code mtg: <message>} and the process ends
 * with {@link #status()}.
 */
final class CommandLineError extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  exit status, {@link Main#STATUS_USAGE} for bad input.
     * @param message what is wrong, naming the bad value.
     */
    CommandLineError(final int status, final String message)
    {
        super(message, null, false, false);
        this.status = status;
    }

    /**
     * @param message what is wrong with the input, naming the bad value.
     * @return an error ending with {@link Main#STATUS_USAGE}.
     */
    static CommandLineError usage(final String message)
    {
        return new CommandLineError(Main.STATUS_USAGE, message);
    }

    /**
     * @return the exit status.
     */
    int status()
    {
        return status;
    }
}
