package io.mtgj.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * File errors in plain words, for messages an operator reads ("cannot read --blocklist list.txt: no such file"),
 * never a Java exception's name.
 */
public final class FileErrors
{
    private FileErrors()
    {
    }

    /**
     * @param ex a failed file operation.
     * @return the reason in a few plain words, never an exception class name, e.g. {@code no such file}.
     */
    public static String reason(final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "no such file";
        }
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof NotDirectoryException)
        {
            return "not a directory";
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return "exists and is not a directory";
        }
        if (ex instanceof DirectoryNotEmptyException)
        {
            return "is a directory";
        }
        if (ex instanceof CharacterCodingException)
        {
            return "not UTF-8 text";
        }
        final String reason = ex instanceof FileSystemException ? ((FileSystemException)ex).getReason() :
            ex.getMessage();
        if (null == reason || reason.isBlank())
        {
            return "input/output error";
        }
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
