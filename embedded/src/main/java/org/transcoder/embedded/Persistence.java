package org.transcoder.embedded;

/**
 * What the embedded services do with their data between runs. Tests want throwaway state (nothing
 * leaks from one test class into the next); local mode wants to keep it, so that a job restored
 * from its checkpoint finds the same topics, offsets, rows and objects it had written.
 */
public enum Persistence {
    /** Fresh directories and free ports on every start, deleted on close (tests). */
    EPHEMERAL,
    /**
     * Fixed directories under the work directory and the ports of the previous run where they are
     * still free; data is kept on close and reused on the next start (local mode).
     */
    KEEP
}
