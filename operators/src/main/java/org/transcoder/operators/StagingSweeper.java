package org.transcoder.operators;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;

/**
 * Removes staging data that no video will ever delete: chunks of an upload whose job crashed
 * between staging and its end, or whose clean-up failed while storage was down. Every video ends
 * (READY, FAILED or by its deadline) and deletes its staging then, so an upload's staging older
 * than the orphan age is garbage. Its age needs no object metadata: the generation directory's name
 * is the upload's acceptance time ({@link StorageLayout#stagedChunk}).
 */
public final class StagingSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(StagingSweeper.class);

    /** staging/{videoId}/g{generation in base 36}/... */
    private static final Pattern UPLOAD_DIR = Pattern.compile("^(staging/[^/]+/g([0-9a-z]+))/.*");

    private StagingSweeper() {}

    /**
     * Deletes every upload's staging directory accepted more than {@code orphanAge} before {@code
     * nowMillis}.
     *
     * @return the directories deleted
     */
    public static Set<String> sweep(ObjectStorage storage, long nowMillis, Duration orphanAge) {
        Set<String> old = new TreeSet<>();
        for (String key : storage.list(OutputLayout.STAGING_ROOT)) {
            Matcher m = UPLOAD_DIR.matcher(key);
            if (m.matches() && nowMillis - Long.parseLong(m.group(2), 36) > orphanAge.toMillis()) {
                old.add(m.group(1));
            }
        }
        for (String dir : old) {
            LOG.info("Deleting orphaned staging data {}", dir);
            storage.deleteRecursively(dir);
        }
        return old;
    }
}
