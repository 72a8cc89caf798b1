package io.varmor.k8s.support;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.k8s.agent.Agent;
import io.varmor.k8s.agent.AgentConfig;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.operator.OperatorConfig;
import io.varmor.k8s.status.AgentAuthenticator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A simulated cluster: the mock API server with varmor's CRDs, operator replicas and agents on simulated nodes, all
 * in this JVM. Agents reach the status service of whichever replica leads (what the {@code varmor-status-svc}
 * Service does through the {@code identity=leader} label). Timings are shortened for tests.
 */
public final class TestCluster implements AutoCloseable {
    public static final Duration HEARTBEAT = Duration.ofMillis(500);
    static final javax.net.ssl.SSLContext CLIENT_TLS = TestPki.clientTrust();

    public final MockCluster mock = new MockCluster();
    public final KubernetesClient admin = mock.client();
    public final List<FakeEnforcer> enforcers = FakeEnforcer.varmorSet();
    public final List<Operator> operators = new ArrayList<>();
    public final Map<String, Agent> agents = new HashMap<>();
    private final Map<String, String> tokens = new HashMap<>();
    private final Path seccompRoot;
    /** Agents' snapshot period, also told to the operator (which drops agents silent for 4×). */
    public Duration heartbeat = HEARTBEAT;

    public TestCluster(Path tmp) {
        this.seccompRoot = tmp;
    }

    public Plugins plugins() {
        return new Plugins(List.copyOf(enforcers), List.of(new BuiltinRules()));
    }

    public FakeEnforcer enforcer(String id) {
        return enforcers.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    /** The agent DaemonSet, as the manager reads it for desiredNumberScheduled. */
    public void agentDaemonSet(int desired) {
        DaemonSet ds = new DaemonSetBuilder().withNewMetadata().withName("varmor-agent").withNamespace("varmor").endMetadata()
                .withNewSpec().endSpec().withNewStatus().withDesiredNumberScheduled(desired).endStatus().build();
        admin.apps().daemonSets().inNamespace("varmor").resource(ds).createOr(x -> x.update());
        admin.apps().daemonSets().inNamespace("varmor").resource(ds).updateStatus();
    }

    public OperatorConfig operatorConfig(String identity) {
        return new OperatorConfig().namespace("varmor").identity(identity).podName(null)
                .leaseTimings(Duration.ofMillis(5000), Duration.ofMillis(4000), Duration.ofMillis(250))
                .statusFlushInterval(Duration.ofMillis(100)).statusWarmup(Duration.ofMillis(0))
                .ports(0, 0, 0).enableMetrics(true).exitOnLeadershipLoss(false).tls(TestPki.serving());
    }

    public Operator startOperator(String identity) {
        return startOperator(identity, c -> { });
    }

    public Operator startOperator(String identity, Consumer<OperatorConfig> tweak) {
        OperatorConfig c = operatorConfig(identity);
        tweak.accept(c);
        Operator op = new Operator(mock.client(), plugins(), c, token -> java.util.Optional.ofNullable(tokens.get(token))
                .map(n -> new io.varmor.k8s.status.AgentIdentity(n, null)), heartbeat).appArmorGA(() -> true).start();
        operators.add(op);
        return op;
    }

    public Operator leader() {
        return operators.stream().filter(Operator::isLeader).findFirst().orElse(null);
    }

    /** Starts an agent on {@code node}; {@code enforcers} are the fake enforcers that node can run. */
    public Agent startAgent(String node, String... available) {
        return startAgent(node, c -> { }, available);
    }

    /** Starts an agent with settings changed by {@code tweak} (e.g. container discovery on a fake host). */
    public Agent startAgent(String node, Consumer<AgentConfig> tweak, String... available) {
        Map<String, String> facts = new HashMap<>();
        for (String e : available) {
            facts.put("fake." + e, "yes");
        }
        tokens.put("token-" + node, node);
        AgentConfig c = new AgentConfig().nodeName(node).discoverContainers(false).readinessPort(-1)
                .seccompDir(seccompRoot.resolve(node)).modelStateDir(seccompRoot.resolve(node + ".behavior"))
                .status(this::leaderEndpoint, () -> CLIENT_TLS, () -> "token-" + node)
                .statusTimings(heartbeat, Duration.ofMillis(20), Duration.ofMillis(50));
        tweak.accept(c);
        Agent a = new Agent(mock.client(), plugins(), new NodeCapabilities("6.1", List.of("bpf", "apparmor"), facts), c).start();
        agents.put(node, a);
        return a;
    }

    /** The status service of the current leader (an unreachable port when there is none). */
    public URI leaderEndpoint() {
        Operator l = leader();
        return URI.create("https://localhost:" + (l == null ? 1 : l.statusPort()));
    }

    public AgentAuthenticator authenticator() {
        return AgentAuthenticator.fixed(tokens);
    }

    @Override
    public void close() {
        agents.values().forEach(Agent::close);
        operators.forEach(Operator::close);
        mock.close();
    }
}
