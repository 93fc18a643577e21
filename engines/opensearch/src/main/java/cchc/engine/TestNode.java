package cchc.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, for tests: `TestNode HOME HTTP_PORT TRANSPORT_PORT`.
 * Listens on 127.0.0.1 only, single-node discovery, data under HOME; stops on SIGTERM/SIGINT or when stdin closes.
 */
public final class TestNode {

    /** A node with the modules a distribution would load from its modules/ folder, here from the classpath. */
    static final class ModuleNode extends Node {
        ModuleNode(Environment environment) {
            super(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class, ReindexPlugin.class), true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TestNode HOME HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "cchc-test")
            .put("node.name", "cchc-test-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            .put("discovery.type", "single-node")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            // A test machine's disk may be nearly full: never turn the indices read-only for that here.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", true)
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> "cchc-test-node");
        Node node = new ModuleNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("closing the node: " + e);
            }
            stopped.countDown();
        }, "cchc-test-node-shutdown"));
        node.start();
        // The parent keeps our stdin open; when it closes (the parent ended, even by SIGKILL), stop too.
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing to read: the pipe only tells that the parent is alive
                }
            } catch (java.io.IOException e) {
                // a broken pipe means the same as end of input
            }
            System.exit(0);
        }, "cchc-test-node-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        System.out.println("started");
        System.out.flush();
        stopped.await();
    }
}
