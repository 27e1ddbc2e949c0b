package org.transcoder.jobs;

/**
 * Operator uids: the savepoint contract. Never change one once released, or a savepoint upgrade
 * loses that operator's state.
 */
public final class Uids {
    public static final String UPLOAD_SOURCE = "upload-source";
    public static final String PARSE_UPLOADS = "parse-uploads";
    public static final String ACCEPT_UPLOAD = "accept-upload";
    public static final String PREPARE_VIDEO = "prepare-video";
    public static final String ROUTE_TASKS = "route-tasks";
    public static final String ENCODE_CHUNK = "encode-chunk";
    public static final String ENCODE_AUDIO = "encode-audio";
    public static final String STAGE_CHUNKS = "stage-chunks";
    public static final String ROUTE_STAGED_CHUNKS = "route-staged-chunks";
    public static final String THUMBNAILS = "thumbnails";
    public static final String ASSEMBLE_VIDEO = "assemble-video";
    public static final String PUBLISH_VIDEO = "publish-video";
    public static final String METADATA_SINK = "metadata-sink";
    public static final String COMPLETION_SINK = "completion-sink";
    public static final String PLAYABLE_SINK = "playable-sink";
    public static final String FAILURE_SINK = "failure-sink";

    /** Only in jobs started with --job.version-label; stateless. */
    public static final String VERSION_LABEL = "version-label";

    private Uids() {}
}
