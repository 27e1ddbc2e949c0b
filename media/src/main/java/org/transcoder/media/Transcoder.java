package org.transcoder.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.EncodedSegment;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.Packaging;
import org.transcoder.media.manifest.Presentation;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.manifest.VideoTrack;
import org.transcoder.media.probe.MediaInfo;

/**
 * Transcodes one file on local disk through every step of the pipeline — probe, validate, plan and
 * split chunks, encode chunks in parallel threads, audio, thumbnails, package — without Flink. The
 * benchmark and the media tests use it; the Flink job runs the same steps ({@link MediaSteps},
 * {@link org.transcoder.media.manifest.Packaging}) as tasks.
 */
public final class Transcoder {

    private final TranscodeOptions options;

    public Transcoder(TranscodeOptions options) {
        this.options = options;
    }

    public TranscodeResult transcode(Path source, Path outputDir) throws MediaException {
        long started = System.nanoTime();
        MediaSteps steps = MediaSteps.ffmpeg(options);
        VideoPreparation.PreparedVideo prepared = steps.prepare(source, options.ladder());
        MediaInfo info = prepared.info();
        List<ChunkSpec> chunks = prepared.chunks();
        EncodeSpec spec = prepared.spec();
        Path staging;
        try {
            Files.createDirectories(outputDir);
            Files.createDirectories(options.workPath());
            staging = Files.createTempDirectory(options.workPath(), "staging-");
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Cannot create work dirs: " + e.getMessage(), e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.slots());
        try {
            // Audio first: it is one long sequential task, best overlapped with the chunks.
            Future<Optional<AudioTrack>> audio =
                    pool.submit(
                            () ->
                                    info.primaryAudio().isPresent()
                                            ? Optional.of(
                                                    steps.encodeAudio(
                                                            source,
                                                            info,
                                                            options.ladder().audioBitrateKbps(),
                                                            outputDir))
                                            : Optional.empty());
            List<Future<List<EncodedSegment>>> encodes = new ArrayList<>();
            ChunkEncoder encoder = steps.chunkEncoder();
            double origin = info.videoStartPts();
            for (ChunkSpec chunk : chunks) {
                encodes.add(
                        pool.submit(
                                () -> {
                                    Path staged =
                                            steps.stageChunk(
                                                    prepared.source(), info, chunk, staging);
                                    try {
                                        return encoder.encode(
                                                staged, chunk, origin, spec, outputDir);
                                    } finally {
                                        Files.deleteIfExists(staged);
                                    }
                                }));
            }
            Future<?> thumbs =
                    pool.submit(() -> steps.extractThumbnails(source, info, spec, outputDir));

            Map<String, List<EncodedSegment>> byRendition = new LinkedHashMap<>();
            for (Rendition r : spec.renditions()) {
                byRendition.put(r.name(), new ArrayList<>());
            }
            long outputBytes = 0;
            for (Future<List<EncodedSegment>> f : encodes) {
                for (EncodedSegment s : await(f)) {
                    byRendition.get(s.rendition()).add(s);
                    outputBytes += s.bytes();
                }
            }
            Optional<AudioTrack> audioTrack = await(audio);
            await(thumbs);
            for (Segment s : audioTrack.map(AudioTrack::segments).orElse(List.of())) {
                outputBytes += s.bytes();
            }
            // Each output file is capped on its own (-fs); this is the whole video's cap.
            if (outputBytes > options.validation().maxOutputBytes()) {
                throw new MediaException(
                        ReasonCode.OUTPUT_TOO_LARGE,
                        "The video's outputs passed the cap of "
                                + options.validation().maxOutputBytes()
                                + " bytes");
            }

            List<VideoTrack> rungs = new ArrayList<>();
            for (Rendition r : spec.renditions()) {
                List<EncodedSegment> segs = byRendition.get(r.name());
                rungs.add(
                        new VideoTrack(
                                r.name(),
                                r.width(),
                                r.height(),
                                segs.get(0).codecs(),
                                VideoTrack.maxFrameRate(
                                        segs.stream()
                                                .mapToLong(EncodedSegment::minSampleTicks)
                                                .min()
                                                .orElse(0),
                                        VideoTrack.TIMESCALE,
                                        spec.nominalFrameRate(),
                                        spec.frameRate()),
                                VideoTrack.SDR,
                                segs.stream()
                                        .map(
                                                s ->
                                                        s.toSegment(
                                                                s.segmentFile()
                                                                        .getFileName()
                                                                        .toString(),
                                                                s.initName()))
                                        .toList()));
            }
            Presentation presentation = new Presentation(rungs, audioTrack);
            for (Map.Entry<String, String> manifest :
                    Packaging.standard().manifests(presentation).entrySet()) {
                write(outputDir.resolve(manifest.getKey()), manifest.getValue());
            }
            return new TranscodeResult(
                    info,
                    presentation,
                    chunks.size(),
                    outputDir.resolve(OutputLayout.MASTER),
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            pool.shutdownNow();
            LocalFiles.deleteQuietly(staging);
        }
    }

    private static <T> T await(Future<T> f) throws MediaException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MediaException me) {
                throw me;
            }
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(ReasonCode.INTERNAL_ERROR, "Interrupted", e);
        }
    }

    private static void write(Path file, String content) throws MediaException {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content);
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
