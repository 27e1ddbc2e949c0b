package org.transcoder.operators.model;

/**
 * One unit of work of a plan, small enough to be a Flink record: the bytes it works on stay in
 * object storage and are named by key or URI.
 */
public class MediaTask {
    private String videoId;
    private TaskKind kind;
    private int index;
    private int priority;

    /** Staged chunk key (CHUNK) or the source URI (AUDIO, AUDIO_START, THUMBNAILS, STAGE). */
    private String input;

    private double startPts;
    private double endPts;
    private double seekPts;

    /** ChunkSpec#stagingOffsetSeconds (0 in tasks from before it existed, and for most videos). */
    private double stagingOffset;

    private int frameCount;

    /**
     * CHUNK: the chunk's first HLS segment in the whole video (-1: not set, as in tasks restored
     * from a savepoint of a version with one segment per chunk, numbered like the chunk), and how
     * many segments it is cut into.
     */
    private int firstSegment = -1;

    private int segmentCount = 1;

    /** Presentation time of the video's first frame: segment times count from it. */
    private double timelineOrigin;

    /** How to encode, as JSON of {@link org.transcoder.media.encode.EncodeSpec}. */
    private String encodeSpecJson;

    private int audioBitrateKbps;

    /** Which upload of the video this task belongs to (its plan's receivedAtMillis). */
    private long generation;

    /**
     * AUDIO, THUMBNAILS: the source's probe as JSON of {@link
     * org.transcoder.media.probe.MediaInfo#withoutFrameList()}, so these tasks need not run ffprobe
     * twice more on the same source. Null in tasks from savepoints of earlier versions: they probe
     * the source themselves.
     */
    private String sourceInfoJson;

    /**
     * STAGE: the chunks to stage, as a JSON array of {@link org.transcoder.media.chunk.ChunkSpec}.
     */
    private String chunksJson;

    /**
     * AUDIO, THUMBNAILS, and the STAGE task of the third chunk on, of a video of several chunks:
     * background work, started once the video's first chunk is encoded ({@code FirstChunkWait}).
     * False in tasks from savepoints of earlier versions: they start at once.
     */
    private boolean afterFirstChunk;

    public MediaTask() {}

    /**
     * A task of the same upload, of {@code kind} and {@code index}: the video, priority,
     * generation, timeline origin and encode spec of this one, nothing else.
     */
    public MediaTask sibling(TaskKind kind, int index) {
        MediaTask t = new MediaTask();
        t.setVideoId(videoId);
        t.setKind(kind);
        t.setIndex(index);
        t.setPriority(priority);
        t.setGeneration(generation);
        t.setTimelineOrigin(timelineOrigin);
        t.setEncodeSpecJson(encodeSpecJson);
        return t;
    }

    public boolean isAfterFirstChunk() {
        return afterFirstChunk;
    }

    public void setAfterFirstChunk(boolean afterFirstChunk) {
        this.afterFirstChunk = afterFirstChunk;
    }

    public String getChunksJson() {
        return chunksJson;
    }

    public void setChunksJson(String chunksJson) {
        this.chunksJson = chunksJson;
    }

    public String key() {
        return kind.key(index);
    }

    public String getVideoId() {
        return videoId;
    }

    public void setVideoId(String videoId) {
        this.videoId = videoId;
    }

    public TaskKind getKind() {
        return kind;
    }

    public void setKind(TaskKind kind) {
        this.kind = kind;
    }

    public int getFirstSegment() {
        return firstSegment >= 0 ? firstSegment : index;
    }

    public void setFirstSegment(int firstSegment) {
        this.firstSegment = firstSegment;
    }

    public int getSegmentCount() {
        return segmentCount;
    }

    public void setSegmentCount(int segmentCount) {
        this.segmentCount = segmentCount;
    }

    public int getIndex() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public String getInput() {
        return input;
    }

    public void setInput(String input) {
        this.input = input;
    }

    public double getStartPts() {
        return startPts;
    }

    public void setStartPts(double startPts) {
        this.startPts = startPts;
    }

    public double getEndPts() {
        return endPts;
    }

    public void setEndPts(double endPts) {
        this.endPts = endPts;
    }

    public double getSeekPts() {
        return seekPts;
    }

    public void setSeekPts(double seekPts) {
        this.seekPts = seekPts;
    }

    public double getStagingOffset() {
        return stagingOffset;
    }

    public void setStagingOffset(double stagingOffset) {
        this.stagingOffset = stagingOffset;
    }

    public int getFrameCount() {
        return frameCount;
    }

    public void setFrameCount(int frameCount) {
        this.frameCount = frameCount;
    }

    public double getTimelineOrigin() {
        return timelineOrigin;
    }

    public void setTimelineOrigin(double timelineOrigin) {
        this.timelineOrigin = timelineOrigin;
    }

    public String getEncodeSpecJson() {
        return encodeSpecJson;
    }

    public void setEncodeSpecJson(String encodeSpecJson) {
        this.encodeSpecJson = encodeSpecJson;
    }

    public int getAudioBitrateKbps() {
        return audioBitrateKbps;
    }

    public void setAudioBitrateKbps(int audioBitrateKbps) {
        this.audioBitrateKbps = audioBitrateKbps;
    }

    public long getGeneration() {
        return generation;
    }

    public void setGeneration(long v) {
        this.generation = v;
    }

    @Override
    public String toString() {
        return videoId + "/" + key();
    }

    public String getSourceInfoJson() {
        return sourceInfoJson;
    }

    public void setSourceInfoJson(String sourceInfoJson) {
        this.sourceInfoJson = sourceInfoJson;
    }
}
