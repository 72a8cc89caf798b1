package io.varmor.core.plugin;

import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.catalog.RuleCatalog;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.RuleProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * The enforcers and rule providers found with {@link ServiceLoader}. When two enforcers claim the same id the one with
 * the higher {@link Enforcer#priority()} wins; a tie keeps the first found and is logged (fabric8's HttpClient.Factory
 * rule).
 */
public final class Plugins {
    private static final Logger LOG = Logger.getLogger(Plugins.class.getName());

    private final Map<String, Enforcer> enforcers;
    private final RuleCatalog catalog;

    public Plugins(List<Enforcer> enforcers, List<RuleProvider> providers) {
        this.enforcers = select(enforcers);
        List<RuleProvider> ordered = new ArrayList<>(providers);
        ordered.sort(Comparator.comparingInt(RuleProvider::priority));
        this.catalog = new RuleCatalog(ordered);
    }

    /** Discovers plugins visible to {@code loader}; the built-in rule provider is always present. */
    public static Plugins discover(ClassLoader loader) {
        List<Enforcer> es = new ArrayList<>();
        ServiceLoader.load(Enforcer.class, loader).forEach(es::add);
        List<RuleProvider> ps = new ArrayList<>();
        ps.add(new BuiltinRules());
        ServiceLoader.load(RuleProvider.class, loader).forEach(p -> {
            if (!(p instanceof BuiltinRules)) {
                ps.add(p);
            }
        });
        return new Plugins(es, ps);
    }

    /**
     * Discovers plugins on {@code parent}'s classpath and in every jar under {@code pluginDirs}. Each plugin jar gets
     * its own class loader (parent: {@code parent}), so plugins cannot see each other's classes.
     */
    public static Plugins discover(ClassLoader parent, List<java.nio.file.Path> pluginDirs) {
        List<Enforcer> es = new ArrayList<>();
        List<RuleProvider> ps = new ArrayList<>();
        ps.add(new BuiltinRules());
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(parent);
        for (java.nio.file.Path dir : pluginDirs) {
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new IllegalArgumentException("plugin directory " + dir + " does not exist");
            }
            try (var s = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path jar : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    loaders.add(new java.net.URLClassLoader("varmor-plugin:" + jar.getFileName(),
                            new java.net.URL[] {jar.toUri().toURL()}, parent));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (int i = 0; i < loaders.size(); i++) {
            ClassLoader l = loaders.get(i);
            boolean own = i > 0;
            ServiceLoader.load(Enforcer.class, l).stream()
                    .filter(p -> !own || p.type().getClassLoader() == l)
                    .forEach(p -> es.add(p.get()));
            ServiceLoader.load(RuleProvider.class, l).stream()
                    .filter(p -> (!own || p.type().getClassLoader() == l) && p.type() != BuiltinRules.class)
                    .forEach(p -> ps.add(p.get()));
        }
        return new Plugins(es, ps);
    }

    public static Plugins discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    private static Map<String, Enforcer> select(List<Enforcer> found) {
        Map<String, Enforcer> out = new LinkedHashMap<>();
        List<Enforcer> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing((Enforcer e) -> e.id().toLowerCase(Locale.ROOT)));
        for (Enforcer e : sorted) {
            String key = e.id().toLowerCase(Locale.ROOT);
            Enforcer old = out.get(key);
            if (old == null || e.priority() > old.priority()) {
                out.put(key, e);
            } else if (e.priority() == old.priority()) {
                LOG.warning("enforcers " + old.getClass().getName() + " and " + e.getClass().getName()
                        + " both provide " + e.id() + " with priority " + e.priority() + "; using the first");
            }
        }
        return out;
    }

    /** The enforcer with this id (case-insensitive). */
    public Optional<Enforcer> enforcer(String id) {
        return Optional.ofNullable(enforcers.get(id.toLowerCase(Locale.ROOT)));
    }

    /** All enforcers, by id. */
    public List<Enforcer> enforcers() {
        return List.copyOf(enforcers.values());
    }

    public RuleCatalog catalog() {
        return catalog;
    }
}
