package io.varmor.api.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.varmor.api.ArmorProfile;
import io.varmor.api.ArmorProfileModel;
import io.varmor.api.Resource;
import io.varmor.api.VarmorClusterPolicy;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.diag.Suggestions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes varmor resources as YAML or JSON (JSON is YAML, so one reader serves both). Reading is strict:
 * unknown fields, wrong types, duplicate keys, control characters and unknown kinds are errors, all reported at
 * once with their field path and line:column; nothing is returned from a file with any error.
 */
public final class Manifests {
    /** Largest manifest accepted, in characters. */
    public static final int MAX_INPUT = 4 << 20;

    private static final Map<String, Class<? extends Resource>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("VarmorPolicy", VarmorPolicy.class);
        KINDS.put("VarmorClusterPolicy", VarmorClusterPolicy.class);
        KINDS.put("ArmorProfile", ArmorProfile.class);
        KINDS.put("ArmorProfileModel", ArmorProfileModel.class);
    }

    private static final YAMLFactory YAML_FACTORY = YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build();
    private static final ObjectMapper YAML = configure(new YAMLMapper(YAML_FACTORY));
    private static final ObjectMapper JSON = configure(new JsonMapper());

    private Manifests() {}

    private static ObjectMapper configure(ObjectMapper m) {
        return m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }

    /** Parses every document of a YAML or JSON text; throws {@link InvalidInputException} with all problems. */
    public static List<ParsedDocument> parse(String text) {
        List<Diagnostic> errors = new ArrayList<>();
        List<ParsedDocument> docs = new ArrayList<>();
        if (text.length() > MAX_INPUT) {
            throw new InvalidInputException(List.of(new Diagnostic(ErrorId.HOSTILE_VALUE, "", 1, 1,
                    "input is " + text.length() + " characters long (limit " + MAX_INPUT + ")")));
        }
        List<Map.Entry<JsonNode, SourceMap>> trees = readTrees(text, errors);
        for (int i = 0; i < trees.size(); i++) {
            JsonNode tree = trees.get(i).getKey();
            SourceMap map = trees.get(i).getValue();
            Resource r = bind(tree, map, errors);
            if (r != null) {
                docs.add(new ParsedDocument(r, map, i));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        if (docs.isEmpty()) {
            throw new InvalidInputException(List.of(new Diagnostic(ErrorId.MISSING_FIELD, "", 1, 1,
                    "the input holds no document")));
        }
        return docs;
    }

    /** Parses a text that must hold exactly one resource of the given type. */
    public static <T extends Resource> T parseOne(String text, Class<T> type) {
        List<ParsedDocument> docs = parse(text);
        Resource r = docs.get(0).resource();
        if (docs.size() != 1 || !type.isInstance(r)) {
            throw new InvalidInputException(List.of(new Diagnostic(ErrorId.UNSUPPORTED_KIND, "kind", 1, 1,
                    "expected exactly one " + type.getSimpleName() + ", found " + docs.size() + " document(s) starting with "
                            + r.kind())));
        }
        return type.cast(r);
    }

    private static Resource bind(JsonNode tree, SourceMap map, List<Diagnostic> errors) {
        if (!tree.isObject()) {
            errors.add(at(map, ErrorId.WRONG_TYPE, "", "a document must be an object, found " + SchemaCheck.describe(tree)));
            return null;
        }
        JsonNode api = tree.get("apiVersion");
        JsonNode kind = tree.get("kind");
        if (api == null || !Resource.API_VERSION.equals(api.asText())) {
            errors.add(at(map, ErrorId.UNSUPPORTED_KIND, "apiVersion", "apiVersion must be " + Resource.API_VERSION
                    + (api == null ? " (missing)" : ", found \"" + api.asText() + "\"")));
            return null;
        }
        Class<? extends Resource> type = kind == null ? null : KINDS.get(kind.asText());
        if (type == null) {
            errors.add(at(map, ErrorId.UNSUPPORTED_KIND, "kind", "kind must be one of " + KINDS.keySet()
                    + (kind == null ? " (missing)" : ", found \"" + kind.asText() + "\"" + Suggestions.hint(kind.asText(), KINDS.keySet()))));
            return null;
        }
        List<Diagnostic> schema = SchemaCheck.run(tree, type, map);
        if (!schema.isEmpty()) {
            errors.addAll(schema);
            return null;
        }
        try {
            return JSON.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            errors.add(at(map, ErrorId.WRONG_TYPE, "", e.getOriginalMessage()));
            return null;
        }
    }

    private static Diagnostic at(SourceMap map, ErrorId id, String path, String message) {
        SourceMap.Position p = map.locate(path);
        return new Diagnostic(id, path, p.line(), p.column(), message);
    }

    private static List<Map.Entry<JsonNode, SourceMap>> readTrees(String text, List<Diagnostic> errors) {
        List<Map.Entry<JsonNode, SourceMap>> out = new ArrayList<>();
        try (JsonParser p = YAML_FACTORY.createParser(text)) {
            while (p.nextToken() != null) {
                SourceMap map = new SourceMap();
                JsonNode node = readValue(p, "", map, errors);
                if (node != null && !node.isNull()) {
                    out.add(Map.entry(node, map));
                }
            }
        } catch (IOException | RuntimeException e) {
            int line = 0;
            int col = 0;
            String msg = e.getMessage();
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
                line = jpe.getLocation().getLineNr();
                col = jpe.getLocation().getColumnNr();
                msg = jpe.getOriginalMessage();
            }
            errors.add(new Diagnostic(ErrorId.YAML_SYNTAX, "", Math.max(line, 0), Math.max(col, 0),
                    msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg)));
        }
        return out;
    }

    private static JsonNode readValue(JsonParser p, String path, SourceMap map, List<Diagnostic> errors) throws IOException {
        JsonToken t = p.currentToken();
        JsonLocation loc = p.currentTokenLocation();
        map.put(path, loc.getLineNr(), loc.getColumnNr());
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonLocation fl = p.currentTokenLocation();
                    String childPath = SourceMap.child(path, name);
                    if (o.has(name)) {
                        errors.add(new Diagnostic(ErrorId.YAML_SYNTAX, childPath, fl.getLineNr(), fl.getColumnNr(),
                                "duplicate key \"" + name + "\""));
                    }
                    map.put(childPath, fl.getLineNr(), fl.getColumnNr());
                    p.nextToken();
                    o.set(name, readValue(p, childPath, map, errors));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(readValue(p, SourceMap.index(path, i++), map, errors));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> f.numberNode(p.getIntValue());
                    case LONG -> f.numberNode(p.getLongValue());
                    default -> f.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> {
                return f.textNode(p.getText());
            }
        }
    }

    /** Writes a resource (or any model object) as YAML. */
    public static String toYaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a resource (or any model object) as compact JSON. */
    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes as indented JSON. */
    public static String toPrettyJson(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared JSON mapper (strict reader, deterministic writer) for model types outside the resource kinds. */
    public static ObjectMapper json() {
        return JSON;
    }
}
