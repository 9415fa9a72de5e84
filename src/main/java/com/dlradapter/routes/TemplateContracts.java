package com.dlradapter.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteBuilderLifecycleStrategy;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.model.TemplatedRouteParameterDefinition;
import org.apache.camel.spi.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The parameter contracts of the local Kamelets in routes/ ({@code *.kamelet.yaml}): a Kamelet's
 * {@code spec.definition} is a JSON Schema (type, required, enum, pattern) of its parameters.
 * Camel itself applies only the defaults and the required names of a Kamelet used as a route
 * template; this checks every {@code templatedRoute} against the whole schema when its file is
 * loaded, at start and on hot reload, so that a wrong value ({@code per: weekly}) stops the start,
 * or refuses the reloaded file, with a message naming the route file, the parameter and the
 * allowed values, instead of failing at the route's first call.
 * <p>
 * Routes and mappings are cross-checked too: a templatedRoute whose {@code provider} parameter
 * names a provider without a loaded mapping is refused the same way (its webhook would only answer
 * 404 "unknown provider", and its poller would find nothing to map with).
 * <p>
 * Bound in the registry, Camel calls it after each route file's builder is configured; camel-main
 * configures every file before it creates any templated route, in no set order, so a templated
 * route read before its Kamelet waits for it.
 */
public final class TemplateContracts implements RouteBuilderLifecycleStrategy {

    private static final String KAMELET = ".kamelet.yaml";

    /** The parameter of the provider templates that names the provider, and so its mapping. */
    private static final String PROVIDER = "provider";

    private final CamelContext context;
    /** Whether a provider has a loaded mapping (read live: a mapping added by hot reload counts at once). */
    private final Predicate<String> hasMapping;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    // messages in one language whatever the machine's locale
    private final SchemaValidatorsConfig english = SchemaValidatorsConfig.builder().locale(Locale.ENGLISH).build();
    /** Template id to its parameters' schema. */
    private final Map<String, JsonSchema> contracts = new HashMap<>();
    /** Template id to the uses read before its Kamelet, by file and route. */
    private final Map<String, Map<String, Use>> waiting = new HashMap<>();

    /** One templatedRoute: where it is written and what it sets. */
    private record Use(String file, String routeId, String template, ObjectNode parameters) {
    }

    public TemplateContracts(CamelContext context, Predicate<String> hasMapping) {
        this.context = context;
        this.hasMapping = hasMapping;
    }

    @Override
    public synchronized void afterConfigure(RouteBuilder builder) {
        Resource resource = builder.getResource();
        String file = resource == null ? "(no file)" : resource.getLocation().replaceFirst("^file:", "");
        for (TemplatedRouteDefinition templated : builder.getTemplatedRouteCollection().getTemplatedRoutes()) {
            Use use = new Use(file, templated.getRouteId(), templated.getRouteTemplateRef(), parameters(templated));
            JsonSchema contract = contracts.get(use.template());
            if (contract == null) {
                waiting.computeIfAbsent(use.template(), id -> new LinkedHashMap<>()).put(file + "#" + use.routeId(), use);
            } else {
                check(contract, use);
            }
        }
        if (resource != null && resource.getLocation().endsWith(KAMELET)) {
            learn(resource, builder);
        }
    }

    /** Reads a Kamelet's contract, then checks the uses that were waiting for it. */
    private void learn(Resource resource, RouteBuilder builder) {
        JsonNode definition;
        try (InputStream in = resource.getInputStream()) {
            definition = yaml.readTree(in).path("spec").path("definition");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kamelet " + resource.getLocation() + ": " + e.getMessage(), e);
        }
        if (!definition.isObject()) {
            return;
        }
        JsonSchema contract = schemas.getSchema(definition, english);
        for (RouteTemplateDefinition template : builder.getRouteTemplateCollection().getRouteTemplates()) {
            contracts.put(template.getId(), contract);
            Map<String, Use> uses = waiting.remove(template.getId());
            if (uses != null) {
                uses.values().forEach(use -> check(contract, use));
            }
        }
    }

    private ObjectNode parameters(TemplatedRouteDefinition templated) {
        ObjectNode parameters = yaml.createObjectNode();
        if (templated.getParameters() != null) {
            for (TemplatedRouteParameterDefinition parameter : templated.getParameters()) {
                String value = parameter.getValue();
                parameters.put(parameter.getName(), value == null ? null : context.resolvePropertyPlaceholders(value));
            }
        }
        return parameters;
    }

    /** A route for a provider needs the provider's mapping, loaded before the route goes live. */
    private void checkMapping(Use use) {
        JsonNode provider = use.parameters().get(PROVIDER);
        if (provider != null && provider.isTextual() && !hasMapping.test(provider.asText())) {
            throw new IllegalArgumentException(use.file() + ": route " + use.routeId() + " (template " + use.template()
                    + "): provider '" + provider.asText() + "' has no mapping (no file in the mappings folder says provider: "
                    + provider.asText() + ")");
        }
    }

    private void check(JsonSchema contract, Use use) {
        Set<ValidationMessage> problems = contract.validate(use.parameters());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(use.file() + ": route " + use.routeId() + " (template " + use.template()
                    + "): " + problems.stream().map(TemplateContracts::describe).collect(Collectors.joining("; ")));
        }
        checkMapping(use);
    }

    /** "parameter 'per' is 'weekly': allowed values are message, batch", or the schema's own words. */
    private static String describe(ValidationMessage problem) {
        if ("required".equals(problem.getType())) {
            return "parameter '" + problem.getProperty() + "' is required";
        }
        JsonNodePath path = problem.getInstanceLocation();
        String name = path.getNameCount() == 0 ? "" : path.getName(path.getNameCount() - 1);
        JsonNode given = problem.getInstanceNode();
        String said = "parameter '" + name + "' is '" + (given == null ? "" : given.asText()) + "': ";
        if ("enum".equals(problem.getType()) && problem.getSchemaNode().isArray()) {
            List<String> allowed = new ArrayList<>();
            problem.getSchemaNode().forEach(value -> allowed.add(value.asText()));
            return said + "allowed values are " + String.join(", ", allowed);
        }
        return said + problem.getMessage();
    }
}
