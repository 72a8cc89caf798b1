package io.varmor.k8s.agent;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Keeps the set of containers on this node and tells {@link ContainerListener}s about changes. Discovery:
 * <ol>
 *   <li><b>fast path</b>: a new container cgroup ({@link CgroupWatcher}) is polled for its first process, which is
 *       read at once ({@link ProcScanner#process}) and identified from its runtime bundle ({@link RuntimeBundles});</li>
 *   <li><b>rescans</b> of {@code /proc} every {@code rescan} and whenever a pod on this node changes, which catch
 *       anything the fast path missed (and containers that existed before the agent started);</li>
 *   <li>the pod (annotations carry the profile references) comes from an informer restricted to this node's pods.</li>
 * </ol>
 * All listener calls happen on one thread.
 */
public final class ContainerMonitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ContainerMonitor.class.getName());
    private static final Pattern ID = Pattern.compile("([0-9a-f]{64})");

    private final ProcScanner scanner;
    private final RuntimeBundles bundles;
    private final List<ContainerListener> listeners = new ArrayList<>();
    private final Map<String, ContainerInfo> running = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "varmor-containers");
        t.setDaemon(true);
        return t;
    });
    private final SharedIndexInformer<Pod> pods;
    private final Path cgroupRoot;
    private final String nodeName;
    private CgroupWatcher watcher;

    /**
     * @param cgroupRoot {@code /sys/fs/cgroup} as mounted in the agent (null: no fast path)
     * @param serverSideNodeFilter ask the API server for this node's pods only (field selector {@code spec.nodeName});
     *        off for API servers without field selectors (the pods are then filtered here)
     */
    public ContainerMonitor(KubernetesClient client, String nodeName, ProcScanner scanner, RuntimeBundles bundles, Path cgroupRoot,
                            boolean serverSideNodeFilter) {
        this.scanner = scanner;
        this.bundles = bundles;
        this.cgroupRoot = cgroupRoot;
        this.nodeName = nodeName;
        var all = client.pods().inAnyNamespace();
        this.pods = (serverSideNodeFilter ? all.withField("spec.nodeName", nodeName) : all).runnableInformer(0);
        pods.addIndexers(Map.of("uid", p -> List.of(p.getMetadata().getUid())));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod obj) {
                rescanSoon();
            }

            @Override
            public void onUpdate(Pod oldObj, Pod newObj) {
                rescanSoon();
            }

            @Override
            public void onDelete(Pod obj, boolean unknown) {
                rescanSoon();
            }
        });
    }

    public void addListener(ContainerListener l) {
        listeners.add(l);
    }

    /** Starts the pod informer, the cgroup watch and periodic rescans; the first scan happens before this returns. */
    public ContainerMonitor start(Duration rescan) {
        pods.start().toCompletableFuture().join();
        if (cgroupRoot != null) {
            watcher = CgroupWatcher.start(CgroupWatcher.defaultRoots(cgroupRoot), this::cgroupCreated);
        }
        try {
            worker.submit(this::rescan).get();
        } catch (Exception e) {
            throw new IllegalStateException("first container scan failed", e);
        }
        worker.scheduleWithFixedDelay(this::rescan, rescan.toMillis(), rescan.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Containers currently known, by id. */
    public Map<String, ContainerInfo> running() {
        return Map.copyOf(running);
    }

    /** The pod with this UID on this node, if cached. */
    public Optional<Pod> pod(String uid) {
        return pods.getIndexer().byIndex("uid", uid).stream().filter(this::onThisNode).findFirst();
    }

    /** The container whose mount namespace is {@code mntNs}, if known (event attribution). */
    public Optional<ContainerInfo> byMountNamespace(long mntNs) {
        return running().values().stream().filter(c -> c.mountNamespace() == mntNs).findFirst();
    }

    private boolean onThisNode(Pod p) {
        return p.getSpec() != null && nodeName.equals(p.getSpec().getNodeName());
    }

    public void rescanSoon() {
        worker.execute(this::rescan);
    }

    private void cgroupCreated(Path dir) {
        var m = ID.matcher(dir.getFileName().toString());
        if (!m.find()) {
            return;
        }
        worker.execute(() -> fastPath(dir, m.group(1)));
    }

    /** Waits (≤ 200 ms) for the cgroup's first process and binds the container at once. */
    private void fastPath(Path dir, String id) {
        if (running.containsKey(id)) {
            return;
        }
        long deadline = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                Path f = dir.resolve("cgroup.procs");
                String procs = Files.exists(f) ? Files.readString(f).trim() : "";
                if (!procs.isEmpty()) {
                    long pid = Long.parseLong(procs.split("\n")[0].trim());
                    scanner.process(pid).filter(p -> p.containerId().equals(id)).ifPresent(p -> consider(p, Map.of()));
                    return;
                }
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                return;
            }
        }
    }

    private void rescan() {
        try {
            Map<String, ProcScanner.Proc> now = scanner.scan();
            for (String gone : new ArrayList<>(running.keySet())) {
                if (!now.containsKey(gone)) {
                    ContainerInfo c = running.remove(gone);
                    listeners.forEach(l -> l.stopped(c));
                }
            }
            Map<String, Pod> byContainer = podsByContainerId();
            for (ProcScanner.Proc p : now.values()) {
                if (!running.containsKey(p.containerId())) {
                    consider(p, byContainer);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "container scan failed: " + e.getMessage(), e);
        }
    }

    private Map<String, Pod> podsByContainerId() {
        Map<String, Pod> out = new HashMap<>();
        for (Pod pod : pods.getStore().list()) {
            if (pod.getStatus() == null || !onThisNode(pod)) {
                continue;
            }
            List<ContainerStatus> all = new ArrayList<>();
            if (pod.getStatus().getContainerStatuses() != null) {
                all.addAll(pod.getStatus().getContainerStatuses());
            }
            for (ContainerStatus s : all) {
                if (s.getContainerID() != null) {
                    out.put(s.getContainerID().substring(s.getContainerID().indexOf("://") + 3), pod);
                }
            }
        }
        return out;
    }

    /** Identifies a container and announces it once its pod and name are known. */
    private void consider(ProcScanner.Proc p, Map<String, Pod> byContainer) {
        Optional<RuntimeBundles.Identity> id = bundles.identity(p.containerId());
        if (id.isPresent() && id.get().sandbox()) {
            return;
        }
        String podUid = id.map(RuntimeBundles.Identity::podUid).orElse(p.podUid());
        Pod pod = podUid == null ? byContainer.get(p.containerId()) : pod(podUid).orElse(byContainer.get(p.containerId()));
        if (pod == null) {
            return; // not a pod of this node's API view yet; the next rescan retries
        }
        String name = id.map(RuntimeBundles.Identity::containerName).orElse(null);
        if (name == null && pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
                if (s.getContainerID() != null && s.getContainerID().endsWith(p.containerId())) {
                    name = s.getName();
                }
            }
        }
        if (name == null) {
            return;
        }
        ContainerInfo c = new ContainerInfo(p.containerId(), p.pid(), p.mountNamespace(), pod.getMetadata().getUid(),
                pod.getMetadata().getNamespace(), pod.getMetadata().getName(), name, id.map(RuntimeBundles.Identity::image).orElse(null),
                System.currentTimeMillis());
        running.put(c.id(), c);
        for (ContainerListener l : listeners) {
            try {
                l.started(c, pod);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "listener failed for container " + c.id() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        worker.shutdownNow();
        pods.close();
    }
}
