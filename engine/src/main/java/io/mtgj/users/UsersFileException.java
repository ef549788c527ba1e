package io.mtgj.users;

/**
 * A secrets file that cannot be used. The message is one plain sentence for the operator: {@code FILE:LINE: what is
 * wrong and what was expected} for a problem on a line, or {@code cannot read secrets file FILE: reason}.
 */
public final class UsersFileException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /**
     * @param file    the path of the file as given.
     * @param line    the line the problem is on (1-based), or 0 when it is not about one line.
     * @param message what is wrong and what was expected, without the file and line.
     */
    public UsersFileException(final String file, final int line, final String message)
    {
        super(line > 0 ? file + ":" + line + ": " + message : message);
        this.file = file;
        this.line = line;
    }

    /**
     * @return the path of the file as given.
     */
    public String file()
    {
        return file;
    }

    /**
     * @return the 1-based line the problem is on, or 0 when it is not about one line.
     */
    public int line()
    {
        return line;
    }
}
