package io.varmor.k8s.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Whether the API server is Kubernetes ≥ 1.30 ({@code AppArmorGA}: AppArmor in {@code securityContext} instead of
 * annotations), polled every {@code recheck} (vArmor: 10 min) so that a control-plane upgrade is picked up.
 */
public final class KubeVersion implements BooleanSupplier, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubeVersion.class.getName());

    private final KubernetesClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "varmor-kube-version");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean ga;

    public KubeVersion(KubernetesClient client, Duration recheck) {
        this.client = client;
        refresh();
        timer.scheduleWithFixedDelay(this::refresh, recheck.toMillis(), recheck.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            VersionInfo v = client.getKubernetesVersion();
            if (v == null || v.getMajor() == null || v.getMinor() == null) {
                LOG.warning("the API server reported no version (keeping AppArmorGA=" + ga + ")");
                return;
            }
            ga = atLeast(v.getMajor(), v.getMinor(), 1, 30);
        } catch (RuntimeException e) {
            LOG.warning("cannot read the Kubernetes version (keeping AppArmorGA=" + ga + "): " + e.getMessage());
        }
    }

    /** Compares a {@code major}/{@code minor} pair as the API server reports it ({@code "30+"} on some distributions). */
    static boolean atLeast(String major, String minor, int wantMajor, int wantMinor) {
        int ma = Integer.parseInt(major.replaceAll("[^0-9]", ""));
        int mi = Integer.parseInt(minor.replaceAll("[^0-9]", ""));
        return ma > wantMajor || (ma == wantMajor && mi >= wantMinor);
    }

    @Override
    public boolean getAsBoolean() {
        return ga;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
