package io.varmor.testkit;

import java.lang.reflect.Executable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that boots the kernel lab once per test JVM and injects it as a {@link Lab} parameter.
 *
 * <p>The lab lives in the root {@link ExtensionContext.Store}, so every test class of one surefire fork shares a
 * single boot; the store closes it (power-off) after the last test and prints boot-to-result time and cache
 * size. When the lab cannot run, each test is skipped through {@link KernelRequirement} (failed under
 * {@code VARMOR_REQUIRE_KERNEL_TESTS=1}); a boot failure fails every class using it, with the console tail.
 * Inject {@code Lab} into test methods (preferred), constructors or {@code @BeforeAll} methods; the latter two
 * make an unavailable lab skip the whole class instead of each test.
 */
public final class KernelLabExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KernelLabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        SharedLab shared = holder(context);
        if (shared.failure != null || injectsBeforeTests(context.getRequiredTestClass())) {
            shared.lab(); // fail fast on a boot failure; skip/fail the class when the lab is needed before tests
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        holder(context).lab();
    }

    /** Whether a constructor or {@code @BeforeAll} method takes a {@link Lab} (resolved before beforeEach). */
    private static boolean injectsBeforeTests(Class<?> testClass) {
        List<Executable> early = new ArrayList<>(Arrays.asList(testClass.getDeclaredConstructors()));
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            Arrays.stream(c.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(BeforeAll.class)).forEach(early::add);
        }
        return early.stream().anyMatch(e -> Arrays.asList(e.getParameterTypes()).contains(Lab.class));
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return holder(c).lab();
    }

    private static SharedLab holder(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(SharedLab.class, k -> SharedLab.boot(),
                SharedLab.class);
    }

    /** Outcome of the one boot: a lab, an unavailability reason, or a boot failure. Closed by the root store. */
    @SuppressWarnings("deprecation") // CloseableResource keeps JUnit < 5.13 working; 5.13+ uses AutoCloseable once
    static final class SharedLab implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Lab lab;
        private final String unavailable;
        private final LabException failure;
        private final LabConfig config;

        private SharedLab(Lab lab, String unavailable, LabException failure, LabConfig config) {
            this.lab = lab;
            this.unavailable = unavailable;
            this.failure = failure;
            this.config = config;
        }

        static SharedLab boot() {
            LabConfig config = LabConfig.fromEnvironment();
            try {
                Lab lab = KernelLab.start(config);
                System.out.printf("[kernel-lab] booted %s in %.1f s (lsm: %s)%n", lab.kernelRelease(),
                        lab.bootDuration().toMillis() / 1000.0, lab.lsm());
                return new SharedLab(lab, null, null, config);
            } catch (LabUnavailableException e) {
                return new SharedLab(null, e.getMessage(), null, config);
            } catch (LabException e) {
                return new SharedLab(null, null, e, config);
            }
        }

        Lab lab() {
            KernelRequirement.assumeOrFail(unavailable == null, "kernel lab unavailable: " + unavailable);
            if (failure != null) {
                throw new LabException("kernel lab boot failed (once for this test JVM): " + failure.getMessage(),
                        failure);
            }
            return lab;
        }

        @Override
        public void close() {
            if (lab == null) {
                return;
            }
            Duration toResult = lab.bootToLastResult();
            long t0 = System.nanoTime();
            lab.close();
            System.out.printf("[kernel-lab] boot %.1f s, boot-to-last-result %.1f s (%d guest commands), power-off"
                            + " %.1f s, cache %s = %.1f MiB%n", lab.bootDuration().toMillis() / 1000.0,
                    toResult.toMillis() / 1000.0, lab.commandCount(), (System.nanoTime() - t0) / 1e9,
                    config.cacheDir(), KernelLab.cacheSize(config) / 1048576.0);
        }
    }
}
