package chainatlas;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.neo4j.batchimport.api.Configuration;
import org.neo4j.batchimport.api.InputIterable;
import org.neo4j.batchimport.api.InputIterator;
import org.neo4j.batchimport.api.input.Collector;
import org.neo4j.batchimport.api.input.IdType;
import org.neo4j.batchimport.api.input.Input;
import org.neo4j.batchimport.api.input.InputChunk;
import org.neo4j.batchimport.api.input.InputEntityVisitor;
import org.neo4j.batchimport.api.input.PropertySizeCalculator;
import org.neo4j.batchimport.api.input.ReadableGroups;
import org.neo4j.cli.ContextInjectingFactory;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.Config;
import org.neo4j.importer.ImportCommand;
import org.neo4j.io.fs.FileSystemAbstraction;
import org.neo4j.io.layout.DatabaseLayout;
import org.neo4j.io.pagecache.context.CursorContextFactory;
import org.neo4j.io.pagecache.tracing.PageCacheTracer;
import org.neo4j.logging.InternalLogProvider;
import org.neo4j.logging.internal.LogService;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.scheduler.JobScheduler;
import picocli.CommandLine;

/**
 * {@code neo4j-admin database import full} (same options, same importer) that keeps empty lists.
 *
 * <p>Neo4j's CSV input drops an empty array field ({@code CsvInputParser.isEmptyArray}), so a list
 * stored as {@code []} by the driver path would be missing after a bulk load. ChainAtlas' CSV files
 * ({@code stores/neo4j_csv.py}) name a row's empty list properties in the column
 * {@code chainatlas_empty_lists}; this command reads that column as those properties set to an empty
 * string array, which is what Cypher stores for {@code []} ({@code ListValue.toStorableArray}), and
 * never stores the column itself. Everything else is Neo4j's own {@code ImportCommand.Full}.
 *
 * <p>Run by {@code scripts/neo4j.sh import-full} with {@code NEO4J_HOME} / {@code NEO4J_CONF} set, as
 * {@code neo4j-admin}:
 * {@code java -cp ... chainatlas.ImportKeepingEmptyLists --nodes=... --relationships=... neo4j}.
 */
public final class ImportKeepingEmptyLists extends ImportCommand.Full {
    /** The CSV column naming a row's empty list properties (EMPTY_LISTS in stores/neo4j_csv.py). */
    static final String MARKER = "chainatlas_empty_lists";

    private static final String[] EMPTY = new String[0];

    public ImportKeepingEmptyLists(ExecutionContext context) {
        super(context);
    }

    public static void main(String[] args) {
        String home = System.getenv("NEO4J_HOME");
        if (home == null) {
            System.err.println("chainatlas.ImportKeepingEmptyLists: NEO4J_HOME is not set");
            System.exit(2);
        }
        Path homeDir = Path.of(home).toAbsolutePath();
        String conf = System.getenv("NEO4J_CONF");
        Path confDir = conf == null ? homeDir.resolve("conf") : Path.of(conf).toAbsolutePath();
        ExecutionContext context = new ExecutionContext(homeDir, confDir);
        CommandLine command = new CommandLine(new ImportKeepingEmptyLists(context), new ContextInjectingFactory(context))
                .setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(command.execute(args));
    }

    @Override
    protected void doImport(FileSystemAbstraction fs, DatabaseLayout layout, Config config, JobScheduler scheduler,
            InternalLogProvider logProvider, PageCacheTracer tracer, CursorContextFactory contextFactory,
            Configuration importConfig, LogService logService, PrintStream out, PrintStream err, boolean verbose,
            Collector collector, MemoryTracker memoryTracker, Input input) throws IOException {
        super.doImport(fs, layout, config, scheduler, logProvider, tracer, contextFactory, importConfig, logService,
                out, err, verbose, collector, memoryTracker, new EmptyListsInput(input));
    }

    /** The input with every entity's visitor decorated by {@link EmptyListsVisitor}. */
    static final class EmptyListsInput implements Input {
        private final Input input;

        EmptyListsInput(Input input) {
            this.input = input;
        }

        @Override
        public InputIterable nodes(Collector badCollector) {
            return decorated(input.nodes(badCollector));
        }

        @Override
        public InputIterable relationships(Collector badCollector) {
            return decorated(input.relationships(badCollector));
        }

        private static InputIterable decorated(InputIterable entities) {
            return () -> new EmptyListsIterator(entities.iterator());
        }

        @Override
        public IdType idType() {
            return input.idType();
        }

        @Override
        public ReadableGroups groups() {
            return input.groups();
        }

        @Override
        public Estimates validateAndEstimate(PropertySizeCalculator calculator) throws IOException {
            return input.validateAndEstimate(calculator);
        }

        @Override
        public java.util.Map<String, org.neo4j.internal.schema.SchemaDescriptor> referencedNodeSchema(
                org.neo4j.token.TokenHolders tokenHolders) {
            return input.referencedNodeSchema(tokenHolders);
        }

        @Override
        public java.util.List<org.neo4j.internal.schema.SchemaCommand> schemaCommands() {
            return input.schemaCommands();
        }

        @Override
        public org.neo4j.internal.schema.SchemaTokens schemaTokens() {
            return input.schemaTokens();
        }

        @Override
        public void close() {
            input.close();
        }
    }

    private static final class EmptyListsIterator implements InputIterator {
        private final InputIterator entities;

        EmptyListsIterator(InputIterator entities) {
            this.entities = entities;
        }

        @Override
        public InputChunk newChunk() {
            return new EmptyListsChunk(entities.newChunk());
        }

        @Override
        public boolean next(InputChunk chunk) throws IOException {
            return entities.next(((EmptyListsChunk) chunk).chunk);
        }

        @Override
        public void close() throws IOException {
            entities.close();
        }
    }

    private static final class EmptyListsChunk implements InputChunk {
        final InputChunk chunk;
        private InputEntityVisitor visitor;
        private EmptyListsVisitor decorated;

        EmptyListsChunk(InputChunk chunk) {
            this.chunk = chunk;
        }

        @Override
        public boolean next(InputEntityVisitor entityVisitor) throws IOException {
            if (entityVisitor != visitor) {
                visitor = entityVisitor;
                decorated = new EmptyListsVisitor(entityVisitor);
            }
            return chunk.next(decorated);
        }

        @Override
        public void close() throws IOException {
            chunk.close();
        }
    }

    /** Passes every call on, but the marker column: each property it names becomes an empty list. */
    static final class EmptyListsVisitor extends InputEntityVisitor.Delegate {
        EmptyListsVisitor(InputEntityVisitor actual) {
            super(actual);
        }

        @Override
        public boolean property(String key, Object value) {
            if (!MARKER.equals(key)) {
                return super.property(key, value);
            }
            for (String name : (String[]) value) {
                super.property(name, EMPTY);
            }
            return true;
        }
    }
}
