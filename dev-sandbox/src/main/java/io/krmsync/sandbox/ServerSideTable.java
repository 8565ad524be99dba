package io.krmsync.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;

/**
 * Renders objects as a {@code meta.k8s.io/v1} Table, the answer kubectl asks for with {@code Accept: ...;as=Table}.
 * kubectl shows a CRD's additionalPrinterColumns only from such a server-side Table, so the sandbox computes one
 * the way kube-apiserver does: a Name column, then the CRD's columns (or Age when the CRD declares none).
 */
final class ServerSideTable {

    /** A column definition plus how to compute its cell from an object; a null cell prints as {@code <none>}. */
    record Column(String name, String type, String format, String description, int priority,
            Function<JsonNode, JsonNode> cell) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static final Column NAME = new Column("Name", "string", "name",
            "Name must be unique within a namespace.", 0, object -> object.path("metadata").path("name"));
    static final Column AGE = new Column("Age", "string", "",
            "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
            object -> dateCell(object.path("metadata").path("creationTimestamp")));

    /** Columns of the built-in kinds whose table kubectl users know by heart (kubectl's own printers). */
    static final Map<String, List<Column>> BUILT_IN = Map.of(
            "namespaces", List.of(NAME,
                    new Column("Status", "string", "", "The status of the namespace", 0,
                            object -> object.path("status").path("phase")),
                    AGE),
            "configmaps", List.of(NAME,
                    new Column("Data", "string", "", "Number of data in configmap", 0,
                            object -> JSON.numberNode(object.path("data").size() + object.path("binaryData").size())),
                    AGE),
            "events", List.of(
                    new Column("Last Seen", "string", "", "The last time the event occurred", 0,
                            object -> dateCell(firstText(object, "lastTimestamp", "eventTime", "firstTimestamp"))),
                    new Column("Type", "string", "", "The type of the event", 0, object -> object.path("type")),
                    new Column("Reason", "string", "", "Why the event happened", 0, object -> object.path("reason")),
                    new Column("Object", "string", "", "The object the event is about", 0,
                            object -> JSON.textNode(object.path("involvedObject").path("kind").asText()
                                    .toLowerCase(Locale.ROOT) + "/" + object.path("involvedObject").path("name").asText())),
                    new Column("Message", "string", "", "What happened", 0, object -> object.path("message")),
                    new Column("Name", "string", "name", NAME.description(), 1,
                            object -> object.path("metadata").path("name"))),
            "secrets", List.of(NAME,
                    new Column("Type", "string", "", "The type of the secret", 0, object -> object.path("type")),
                    new Column("Data", "string", "", "Number of data in secret", 0,
                            object -> JSON.numberNode(object.path("data").size() + object.path("stringData").size())),
                    AGE));

    private ServerSideTable() {
    }

    /** The columns kube-apiserver serves for a CRD version with the given additionalPrinterColumns. */
    static List<Column> crdColumns(List<CustomResourceColumnDefinition> printerColumns) {
        if (printerColumns == null || printerColumns.isEmpty()) {
            return List.of(NAME, new Column("Age", "date", "", AGE.description(), 0,
                    object -> dateCell(object.path("metadata").path("creationTimestamp"))));
        }
        List<Column> columns = new ArrayList<>();
        columns.add(NAME);
        for (CustomResourceColumnDefinition column : printerColumns) {
            String type = column.getType();
            String jsonPath = column.getJsonPath();
            columns.add(new Column(column.getName(), type, column.getFormat() == null ? "" : column.getFormat(),
                    column.getDescription() != null ? column.getDescription()
                            : "Custom resource definition column (in JSONPath format): " + jsonPath,
                    column.getPriority() == null ? 0 : column.getPriority(),
                    object -> jsonPathCell(type, jsonPath, object)));
        }
        return columns;
    }

    /**
     * The Table for the given objects. {@code includeObject} is the request's query parameter: {@code None},
     * {@code Object}, or (the default) {@code Metadata}; kubectl reads names, namespaces and labels from it.
     */
    static ObjectNode render(List<Column> columns, List<JsonNode> objects, String resourceVersion,
            String includeObject) {
        ObjectNode table = JSON.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", resourceVersion);
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column column : columns) {
            definitions.addObject()
                    .put("name", column.name())
                    .put("type", column.type())
                    .put("format", column.format())
                    .put("description", column.description())
                    .put("priority", column.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Column column : columns) {
                JsonNode cell = column.cell().apply(object);
                cells.add(cell == null || cell.isMissingNode() ? NullNode.getInstance() : cell);
            }
            switch (includeObject == null ? "Metadata" : includeObject) {
                case "None" -> {
                }
                case "Object" -> row.set("object", object);
                default -> row.putObject("object")
                        .put("kind", "PartialObjectMetadata")
                        .put("apiVersion", "meta.k8s.io/v1")
                        .set("metadata", object.path("metadata"));
            }
        }
        return table;
    }

    /** kube-apiserver's cell for a CRD column: strings as printed by JSONPath, other types only when they fit. */
    static JsonNode jsonPathCell(String type, String jsonPath, JsonNode object) {
        List<JsonNode> results;
        try {
            results = SimpleJsonPath.evaluate(jsonPath, object);
        } catch (IllegalArgumentException e) {
            return NullNode.getInstance();
        }
        if (results.isEmpty()) {
            return NullNode.getInstance();
        }
        JsonNode value = results.get(0);
        return switch (type) {
            case "string" -> JSON.textNode(value.isContainerNode() ? value.toString() : value.asText());
            case "integer" -> value.isNumber() ? JSON.numberNode(value.asLong()) : NullNode.getInstance();
            case "number" -> value.isNumber() ? JSON.numberNode(value.asDouble()) : NullNode.getInstance();
            case "boolean" -> value.isBoolean() ? value : NullNode.getInstance();
            case "date" -> value.isTextual() ? dateCell(value) : NullNode.getInstance();
            default -> NullNode.getInstance();
        };
    }

    private static JsonNode firstText(JsonNode object, String... fields) {
        for (String field : fields) {
            if (object.path(field).isTextual()) {
                return object.get(field);
            }
        }
        return NullNode.getInstance();
    }

    private static JsonNode dateCell(JsonNode timestamp) {
        if (!timestamp.isTextual()) {
            return JSON.textNode("<unknown>");
        }
        try {
            return JSON.textNode(humanDuration(Duration.between(Instant.parse(timestamp.asText()), Instant.now())));
        } catch (DateTimeParseException e) {
            return JSON.textNode("<invalid>");
        }
    }

    /** The short ages kubectl prints ("45s", "3m12s", "5h", "2d3h"), as Kubernetes' duration.HumanDuration. */
    static String humanDuration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = duration.toMinutes();
        if (minutes < 10) {
            long rest = seconds % 60;
            return rest == 0 ? minutes + "m" : minutes + "m" + rest + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = duration.toHours();
        if (hours < 8) {
            long rest = minutes % 60;
            return rest == 0 ? hours + "h" : hours + "h" + rest + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long rest = hours % 24;
            return rest == 0 ? hours / 24 + "d" : hours / 24 + "d" + rest + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long days = hours / 24 % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
