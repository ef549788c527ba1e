package io.mtgj.cli;

import org.apache.commons.cli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static io.mtgj.cli.CommandLineError.usage;

/**
 * The values of {@code mtg run}'s flags: each from the command line, or else from its {@code MTG_*} variable, with
 * where it came from, so an error names the flag or the variable the operator actually set.
 */
final class FlagValues
{
    private final CommandLine commandLine;
    private final Map<String, String> env;

    /**
     * @param commandLine the parsed command line.
     * @param env         environment variables.
     */
    FlagValues(final CommandLine commandLine, final Map<String, String> env)
    {
        this.commandLine = commandLine;
        this.env = env;
    }

    /**
     * Read a value with an engine parser, whose IllegalArgumentException names the bad value.
     */
    static <T> T parse(final Value value, final Function<String, T> parser) throws CommandLineError
    {
        try
        {
            return parser.apply(value.text().trim());
        }
        catch (final IllegalArgumentException ex)
        {
            throw bad(value, ex);
        }
    }

    List<String> texts(final RunFlag flag)
    {
        final List<String> texts = new ArrayList<>();
        for (final Value value : values(flag))
        {
            texts.add(value.text().trim());
        }
        return texts;
    }

    List<java.nio.file.Path> paths(final RunFlag flag)
    {
        final List<java.nio.file.Path> paths = new ArrayList<>();
        for (final String text : texts(flag))
        {
            paths.add(UserPaths.of(text));
        }
        return paths;
    }

    String textOr(final RunFlag flag, final String fallback) throws CommandLineError
    {
        final Value value = value(flag);
        return null == value ? fallback : value.text().trim();
    }

    /**
     * Apply a flag's (or its variable's) value when one is given.
     */
    void ifGiven(final RunFlag flag, final ValueConsumer consumer) throws CommandLineError
    {
        final Value value = value(flag);
        if (null != value)
        {
            consumer.accept(value);
        }
    }

    /**
     * Applies one value; may fail with a command-line error.
     */
    @FunctionalInterface
    interface ValueConsumer
    {
        void accept(Value value) throws CommandLineError;
    }

    boolean isOn(final RunFlag flag)
        throws CommandLineError
    {
        if (commandLine.hasOption(flag.longName()))
        {
            return true;
        }
        final String text = env.get(flag.envName());
        if (null == text || text.isBlank())
        {
            return false;
        }
        switch (text.trim().toLowerCase(Locale.ROOT))
        {
            case "true":
            case "1":
            case "yes":
                return true;
            case "false":
            case "0":
            case "no":
                return false;
            default:
                throw usage(flag.envName() + ": bad boolean '" + text + "' (expected true, false, 1, 0, yes or no)");
        }
    }

    /**
     * @return the flag's value if given, else the variable's if set and not blank, else null for the default.
     */
    Value value(final RunFlag flag)
        throws CommandLineError
    {
        final String[] given = commandLine.getOptionValues(flag.longName());
        if (null != given)
        {
            if (given.length > 1)
            {
                throw usage(flag.flagName() + " given more than once ('" + given[0] + "', '" + given[1] + "')");
            }
            return new Value(given[0], flag.flagName());
        }
        final String text = env.get(flag.envName());
        return null == text || text.isBlank() ? null : new Value(text, flag.envName());
    }

    /**
     * @return the values of a repeatable flag, or else the comma-separated items of its variable.
     */
    List<Value> values(final RunFlag flag)
    {
        final List<Value> values = new ArrayList<>();
        final String[] given = commandLine.getOptionValues(flag.longName());
        if (null != given)
        {
            for (final String text : given)
            {
                values.add(new Value(text, flag.flagName()));
            }
            return values;
        }
        final String text = env.get(flag.envName());
        if (null != text)
        {
            for (final String item : text.split(","))
            {
                if (!item.isBlank())
                {
                    values.add(new Value(item.trim(), flag.envName()));
                }
            }
        }
        return values;
    }

    static CommandLineError bad(final Value value, final IllegalArgumentException ex)
    {
        final String message = ex.getMessage();
        // engine messages name the value; say where it came from unless they already name the flag
        return usage(message.contains(value.origin()) ? message : value.origin() + ": " + message);
    }

    /**
     * A flag's text and where it came from: the flag's name or the variable's, for error messages.
     *
     * @param text   the value as given.
     * @param origin {@code --flag} or {@code MTG_FLAG}.
     */
    record Value(String text, String origin)
    {
    }
}
