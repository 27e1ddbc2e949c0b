package org.transcoder.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/transcoder}: what a platform's upload service and support desk do with the pipeline,
 * as commands: {@code upload} puts files into object storage and produces their upload events,
 * {@code status} shows what the metadata store says of videos. Works against local mode (which
 * prints the exact commands) and against real Kafka, S3 and PostgreSQL/Redis.
 */
@Command(
        name = "transcoder",
        mixinStandardHelpOptions = true,
        subcommands = {UploadCommand.class, StatusCommand.class},
        description = "Upload videos to the Transcoder pipeline and follow them.")
public final class TranscoderCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with exit code 2 for bad arguments and 1 for failures. */
    static CommandLine commandLine() {
        return new CommandLine(new TranscoderCli())
                .setExecutionExceptionHandler(
                        (e, cmd, parsed) -> {
                            cmd.getErr().println("transcoder: " + e.getMessage());
                            return 1;
                        });
    }
}
