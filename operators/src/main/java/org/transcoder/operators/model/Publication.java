package org.transcoder.operators.model;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.connectors.events.VideoRecord;

/**
 * A video's end, decided by the assembler and carried out by {@code PublishVideo}: the playlists to
 * write (in order, the master last: it is the publish point), the prefixes to delete (staging; a
 * failed video's partial outputs), and the terminal record to emit once that is done.
 */
public class Publication {
    private VideoRecord record;
    private List<String> fileKeys = new ArrayList<>();
    private List<String> fileContents = new ArrayList<>();
    private List<String> deletePrefixes = new ArrayList<>();
    private int priority;

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
