package org.transcoder.connectors.metadata;

import java.sql.SQLException;

/**
 * A metadata database operation failed (connection lost, constraint, ...); wraps the SQLException.
 */
public class MetadataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MetadataException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
