package chainatlas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * ChainAtlas' own Neo4j server for tests, CI and development: Neo4j Community
 * embedded in this JVM, reachable over Bolt on 127.0.0.1 with auth disabled.
 *
 * <p>Usage: {@code java ... chainatlas.EmbeddedNeo4j [--port=N] [--home=DIR]}.
 * Defaults come from the environment: {@code NEO4J_BOLT_PORT} (7687) and
 * {@code CHAINATLAS_NEO4J_HOME} (./.neo4j-state). Data, logs and transaction
 * logs all live under the home directory. {@code NEO4J_CONF_FILE} names a file of
 * further Neo4j settings in neo4j.conf's format. Normally started by scripts/neo4j.sh.
 */
public final class EmbeddedNeo4j {
    private EmbeddedNeo4j() {}

    public static void main(String[] args) throws Exception {
        String portText = envOr("NEO4J_BOLT_PORT", "7687");
        String homeText = envOr("CHAINATLAS_NEO4J_HOME", ".neo4j-state");
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                portText = arg.substring("--port=".length());
            } else if (arg.startsWith("--home=")) {
                homeText = arg.substring("--home=".length());
            } else {
                System.err.println("usage: EmbeddedNeo4j [--port=N] [--home=DIR]");
                System.exit(2);
            }
        }
        int port = Integer.parseInt(portText.trim());
        Path home = Path.of(homeText).toAbsolutePath().normalize();
        Files.createDirectories(home);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Small by default for tests; benchmarks set NEO4J_PAGECACHE_MB (e.g. 1024).
                .setConfig(GraphDatabaseSettings.pagecache_memory,
                        ByteUnit.mebiBytes(Long.parseLong(envOr("NEO4J_PAGECACHE_MB", "64").trim())))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // A frozen server is told within seconds: Bolt hints its drivers to give up on a read
                // after keep-alive x probes without a message (default 1 min x 2 = 120 s, so a request
                // waiting on a read in flight hung for 2 minutes); the server sends a NOOP to a busy
                // connection after 1 s of silence (checked every 250 ms), so long queries still run.
                .setConfig(BoltConnector.connection_keep_alive, Duration.ofSeconds(1))
                .setConfig(BoltConnector.connection_keep_alive_probes, 3)
                .setConfig(BoltConnector.connection_keep_alive_streaming_scheduling_interval, Duration.ofMillis(250))
                // Test server: stop fast. Defaults wait ~10 s for Bolt/Netty to drain on shutdown.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2));
        // Any further Neo4j setting, from a file in neo4j.conf's format (e.g. db.format=standard).
        String confFile = envOr("NEO4J_CONF_FILE", "");
        if (!confFile.isBlank()) {
            builder.loadPropertiesFromFile(Path.of(confFile.trim()));
        }
        DatabaseManagementService dbms = builder.build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("chainatlas-neo4j shutting down");
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "chainatlas-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(2).toMillis())) {
            System.err.println("chainatlas-neo4j: default database did not become available");
            System.exit(1);
        }
        db.executeTransactionally("RETURN 1");

        System.out.println("chainatlas-neo4j ready bolt://127.0.0.1:" + port + " home=" + home);
        System.out.flush();

        // Block until the JVM is asked to exit (SIGTERM/SIGINT); the hook shuts Neo4j down.
        while (!stopped.await(1, TimeUnit.HOURS)) {
            // keep serving
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
