package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code search_documents}: full-text search over the text files of a local folder (Lucene, indexed in memory when
 * the worker starts), so information-gathering jobs run offline. Indexes {@code .txt .md .markdown .rst .csv .json
 * .html .htm} files up to 5 MiB; returns the best hits with path, title (first heading or file name), score and a
 * snippet around the first matching term. Queries use Lucene's syntax ({@code kafka AND "share group"}); a query
 * that does not parse is searched as plain words.
 */
final class DocumentSearchTool implements BraidTool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EXTENSIONS = Set.of("txt", "md", "markdown", "rst", "csv", "json", "html", "htm");
    private static final long MAX_FILE_BYTES = 5L << 20;
    private static final int SNIPPET = 240;
    /** Lucene warns once that the JDK's incubating vector module is off; it only matters for vector search. */
    private static final java.util.logging.Logger LUCENE_VECTOR_LOG = quiet("org.apache.lucene.internal.vectorization");

    private final Path folder;
    private final int maxResults;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final IndexSearcher searcher;
    private final int documents;

    private DocumentSearchTool(Path folder, int maxResults, IndexSearcher searcher, int documents) {
        this.folder = folder;
        this.maxResults = maxResults;
        this.searcher = searcher;
        this.documents = documents;
    }

    /** Indexes the text files under {@code folder}. */
    public static DocumentSearchTool index(Path folder, int maxResults) {
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        int count = 0;
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer()));
             Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).filter(DocumentSearchTool::indexable).sorted().toList()) {
                String text;
                try {
                    text = Files.readString(file);
                } catch (MalformedInputException notUtf8) {
                    continue;
                }
                if (file.toString().toLowerCase(Locale.ROOT).matches(".*\\.html?$")) {
                    text = text.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]+>", " ");
                }
                Document document = new Document();
                document.add(new StringField("path", folder.relativize(file).toString().replace('\\', '/'),
                        Field.Store.YES));
                document.add(new TextField("title", title(file, text), Field.Store.YES));
                document.add(new TextField("content", text, Field.Store.YES));
                writer.addDocument(document);
                count++;
            }
            writer.commit();
            return new DocumentSearchTool(folder, maxResults, new IndexSearcher(DirectoryReader.open(directory)), count);
        } catch (IOException e) {
            throw new UncheckedIOException("search_documents: cannot index " + folder + ": " + e.getMessage(), e);
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    public int documentCount() {
        return documents;
    }

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("search_documents")
                .description("Searches the local document collection and returns the best matching passages "
                        + "with their file paths")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("query", "words to search for; Lucene syntax allowed, e.g. "
                                + "kafka AND \"share group\"")
                        .addIntegerProperty("limit", "how many hits to return (default " + maxResults + ", at most 20)")
                        .required("query")
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) throws IOException {
        String text = arguments.get("query").textValue();
        if (text.isBlank()) {
            throw new ToolArgumentsException("search_documents: the query is empty");
        }
        int limit = arguments.path("limit").asInt(maxResults);
        if (limit < 1 || limit > 20) {
            throw new ToolArgumentsException("search_documents: limit " + limit + " must be between 1 and 20");
        }
        Query query = parse(text);
        Set<String> terms = terms(text);
        ArrayNode hits = JSON.createArrayNode();
        for (ScoreDoc hit : searcher.search(query, limit).scoreDocs) {
            Document document = searcher.storedFields().document(hit.doc);
            hits.addObject()
                    .put("path", document.get("path"))
                    .put("title", document.get("title"))
                    .put("score", Math.round(hit.score * 1000) / 1000.0)
                    .put("snippet", snippet(document.get("content"), terms));
        }
        ObjectNode result = JSON.createObjectNode().put("query", text).put("documents", documents);
        result.set("hits", hits);
        return result.toString();
    }

    private Query parse(String text) {
        MultiFieldQueryParser parser = new MultiFieldQueryParser(new String[] {"title", "content"}, analyzer,
                Map.of("title", 2.0f, "content", 1.0f));
        try {
            return parser.parse(text);
        } catch (ParseException e) {
            try {
                return parser.parse(QueryParser.escape(text));
            } catch (ParseException stillBad) {
                throw new ToolArgumentsException("search_documents: cannot search for '" + text + "': "
                        + stillBad.getMessage());
            }
        }
    }

    /** The query's words as the analyzer sees them (lower-cased, stop words gone). */
    private Set<String> terms(String text) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream("content", text.replaceAll("\\b(AND|OR|NOT)\\b", " "))) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        }
        return terms;
    }

    /** About {@value #SNIPPET} characters around the first query term in {@code content}, whitespace folded. */
    static String snippet(String content, Set<String> terms) {
        String lower = content.toLowerCase(Locale.ROOT);
        int at = -1;
        for (String term : terms) {
            int found = lower.indexOf(term);
            if (found >= 0 && (at < 0 || found < at)) {
                at = found;
            }
        }
        int start = Math.max(0, at < 0 ? 0 : at - SNIPPET / 3);
        int end = Math.min(content.length(), start + SNIPPET);
        String snippet = content.substring(start, end).replaceAll("\\s+", " ").trim();
        return (start > 0 ? "…" : "") + snippet + (end < content.length() ? "…" : "");
    }

    private static boolean indexable(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        try {
            return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1)) && Files.size(file) <= MAX_FILE_BYTES;
        } catch (IOException e) {
            return false;
        }
    }

    private static String title(Path file, String text) {
        for (String line : text.lines().limit(20).toList()) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#")) {
                return trimmed.replaceFirst("^#+\\s*", "");
            }
        }
        String name = file.getFileName().toString();
        return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    @Override
    public String toString() {
        return "search_documents over " + folder + " (" + documents + " documents)";
    }
}
