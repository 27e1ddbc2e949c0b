package org.transcoder.connectors.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.core.plugin.PluginConfig;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.util.Preconditions;

/**
 * Makes {@code s3://} (and any other plugin filesystem) usable in this JVM: loads the Flink plugins
 * and initializes {@link FileSystem} with them. A Flink cluster process does this by itself; a
 * MiniCluster, a local-mode main or a test does not.
 */
public final class FlinkFileSystems {

    private FlinkFileSystems() {}

    /** Loads plugins from the directory in env {@code FLINK_PLUGINS_DIR} (none if unset). */
    public static synchronized void initialize(Configuration conf) {
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
    }

    /**
     * Loads plugins from {@code pluginsRoot} (one sub-directory per plugin, e.g. s3-fs-hadoop/).
     */
    public static synchronized void initialize(Configuration conf, Path pluginsRoot) {
        Preconditions.checkArgument(
                pluginsRoot != null && Files.isDirectory(pluginsRoot),
                "plugins directory does not exist: %s",
                pluginsRoot);
        try {
            PluginManager plugins =
                    new DefaultPluginManager(
                            new DirectoryBasedPluginFinder(pluginsRoot).findPlugins(),
                            PluginConfig.fromConfiguration(conf).getAlwaysParentFirstPatterns());
            FileSystem.initialize(conf, plugins);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load Flink plugins from " + pluginsRoot, e);
        }
    }

    /**
     * {@link #initialize(Configuration)} with the S3 options of {@code s3} added to {@code conf}.
     */
    public static synchronized void initialize(Configuration conf, S3Settings s3) {
        Configuration withS3 = new Configuration(conf);
        s3.applyTo(withS3);
        initialize(withS3);
    }
}
