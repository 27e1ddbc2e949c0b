package org.transcoder.operators.model;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.connectors.events.VideoRecord;

/**
 * What the assembler decided to publish, carried out by {@code PublishVideo}: the playlists to
 * write (in order, the master last: it is the publish point), the keys and then the prefixes to
 * delete (a failed video's entry points, then its partial outputs; staging), and the record to emit
 * once that is done. A video's end carries its terminal record; the first part of a video still
 * encoded ({@link #isAppendOnly()}) carries PLAYABLE (then progress).
 */
public class Publication {
    private VideoRecord record;
    private List<String> fileKeys = new ArrayList<>();
    private List<String> fileContents = new ArrayList<>();
    private List<String> deleteKeys = new ArrayList<>();
    private List<String> deletePrefixes = new ArrayList<>();
    private int priority;

    /**
     * The playlists of a video still encoded: each only appends to what is published, so one that
     * storage has longer already (written before a restart rolled this one back) is left as is.
     */
    private boolean appendOnly;

    public Publication() {}

    public VideoRecord getRecord() {
        return record;
    }

    public void setRecord(VideoRecord record) {
        this.record = record;
    }

    public List<String> getFileKeys() {
        return fileKeys;
    }

    public void setFileKeys(List<String> fileKeys) {
        this.fileKeys = fileKeys == null ? new ArrayList<>() : fileKeys;
    }

    public List<String> getFileContents() {
        return fileContents;
    }

    public void setFileContents(List<String> fileContents) {
        this.fileContents = fileContents == null ? new ArrayList<>() : fileContents;
    }

    public List<String> getDeleteKeys() {
        return deleteKeys;
    }

    public void setDeleteKeys(List<String> deleteKeys) {
        this.deleteKeys = deleteKeys == null ? new ArrayList<>() : deleteKeys;
    }

    public boolean isAppendOnly() {
        return appendOnly;
    }

    public void setAppendOnly(boolean appendOnly) {
        this.appendOnly = appendOnly;
    }

    public List<String> getDeletePrefixes() {
        return deletePrefixes;
    }

    public void setDeletePrefixes(List<String> deletePrefixes) {
        this.deletePrefixes = deletePrefixes == null ? new ArrayList<>() : deletePrefixes;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    /** Adds a text object to write; written in the order added. */
    public void write(String key, String content) {
        fileKeys.add(key);
        fileContents.add(content);
    }

    @Override
    public String toString() {
        return "Publication{" + record + ", files=" + fileKeys + ", delete=" + deletePrefixes + '}';
    }
}
