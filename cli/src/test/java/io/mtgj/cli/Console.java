package io.mtgj.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captured stdout and stderr of one command.
 */
final class Console
{
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    String out()
    {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    List<String> outLines()
    {
        return lines(out());
    }

    List<String> errLines()
    {
        return lines(err());
    }

    private static List<String> lines(final String text)
    {
        return text.isEmpty() ? List.of() : List.of(text.split("\\R")); // trailing empty strings are dropped
    }
}
