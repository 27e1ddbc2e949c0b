package org.transcoder.local.web;

import java.nio.file.Path;
import java.util.Map;
import org.transcoder.jobs.Seams;
import org.transcoder.local.LocalPipeline;

/**
 * What a browser test watches: the real pipeline in this JVM (embedded services), the metadata
 * catalog over its store, and the watch server over its outputs, closed in reverse order.
 */
final class PipelineOrigin implements AutoCloseable {

    final LocalPipeline pipeline;
    final MetadataCatalog catalog;
    final WatchServer server;

    private PipelineOrigin(LocalPipeline pipeline, MetadataCatalog catalog, WatchServer server) {
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.server = server;
    }

    /** {@code requestLog} sees every request the server answers (null: none). */
    static PipelineOrigin start(
            Path work,
            Map<String, String> jobOptions,
            org.eclipse.jetty.server.RequestLog requestLog)
            throws Exception {
        return start(work, jobOptions, requestLog, Seams.NONE);
    }

    /** With a test's seams in the job (a slowed encoder, for instance). */
    static PipelineOrigin start(
            Path work,
            Map<String, String> jobOptions,
            org.eclipse.jetty.server.RequestLog requestLog,
            Seams seams)
            throws Exception {
        LocalPipeline pipeline =
                LocalPipeline.start(
                        LocalPipeline.Settings.inBucket(work, jobOptions), conf -> {}, seams);
        MetadataCatalog catalog = null;
        try {
            catalog = new MetadataCatalog(pipeline.config().jdbc(), pipeline.config().redis());
            WatchServer server =
                    WatchServer.start("127.0.0.1", 0, pipeline.videosDir(), catalog, requestLog);
            return new PipelineOrigin(pipeline, catalog, server);
        } catch (Exception | Error e) {
            if (catalog != null) {
                catalog.close();
            }
            pipeline.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        catalog.close();
        pipeline.close();
    }
}
