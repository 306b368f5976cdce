package faldone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single embedded OpenSearch node for tests and benchmarks, bound to 127.0.0.1 only.
 *
 * <pre>
 *   java -Xms512m -Xmx1g -cp ... faldone.OpenSearchNode PORT HOME_DIR [key=value ...]
 * </pre>
 *
 * HOME_DIR holds data/, logs/ and config/ (created if missing). Extra key=value arguments
 * override node settings. Prints {@value #READY} followed by the URL once the HTTP port is
 * bound, then runs until it gets SIGTERM/SIGINT.
 */
public final class OpenSearchNode {

    static final String READY = "FALDONE_OPENSEARCH_READY ";

    /** The distribution's modules we need, loaded from the classpath instead of modules/. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,           // transport-netty4: HTTP + transport
        CommonAnalysisPlugin.class,   // analysis-common: stemmer, snowball, asciifolding, stop, ...
        PainlessPlugin.class,         // lang-painless
        MapperExtrasPlugin.class      // mapper-extras: scaled_float, token_count, rank_feature, ...
    );

    /** org.opensearch.node.Node has a protected constructor taking classpath plugins. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment) {
            super(environment, PLUGINS, true);
        }

        @Override
        protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
            // The listener only feeds %node_id/%cluster_id log patterns; not needed here.
        }
    }

    private OpenSearchNode() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: faldone.OpenSearchNode PORT HOME_DIR [key=value ...]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Paths.get(args[1]).toAbsolutePath();
        Path config = home.resolve("config");
        for (String dir : new String[] {"config", "data", "logs", "tmp"}) {
            Files.createDirectories(home.resolve(dir));
        }

        Settings.Builder builder = Settings.builder()
            .put("cluster.name", "faldone-test")
            .put("node.name", "faldone-node-" + port)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", Integer.toString(port))
            .put("transport.port", "9300-9499")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("discovery.type", "single-node")
            // one node: no replicas, so new indices are green rather than yellow
            .put("cluster.default_number_of_replicas", 0)
            // tests may run on a nearly full disk: never block writes on watermarks
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", true);
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + args[i]);
            }
            builder.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Settings settings = builder.build();

        long t0 = System.nanoTime();
        Node node;
        try {
            node = new EmbeddedNode(new Environment(settings, config));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "faldone-opensearch-shutdown"));
        try {
            node.start();
        } catch (Throwable t) {
            // e.g. the HTTP port is taken: exit (the hook closes the node) instead of lingering
            t.printStackTrace();
            System.exit(1);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(READY + "http://127.0.0.1:" + port + " (node started in " + ms + " ms)");
        System.out.flush();
        stopped.await();
    }
}
