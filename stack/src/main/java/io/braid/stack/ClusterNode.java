package io.braid.stack;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a {@link ClusterLayout} as a process of its own: {@code java -cp ... io.braid.stack.ClusterNode
 * NODE_ID BASE_DIR CLUSTER_ID BROKER_PORTS CONTROLLER_PORTS} (what {@link ClusterLayout#toArgs} writes). It prints
 * {@value #READY} once the node serves, and runs until killed; SIGTERM shuts it down cleanly, SIGKILL is a crash.
 * {@link ProcessCluster} starts these.
 */
public final class ClusterNode {

    /** The line a node prints when it serves clients. */
    public static final String READY = "braid cluster node ready";

    private ClusterNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5) {
            System.err.println("usage: ClusterNode NODE_ID BASE_DIR CLUSTER_ID BROKER_PORTS CONTROLLER_PORTS");
            System.exit(2);
        }
        int nodeId = Integer.parseInt(args[0]);
        ClusterLayout layout = ClusterLayout.parse(List.of(args).subList(1, args.length));
        EmbeddedKafkaBroker node = EmbeddedKafkaBroker.startNode(layout, nodeId, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "stop-cluster-node"));
        System.out.println(READY + ": node " + nodeId + " on 127.0.0.1:" + layout.brokerPort(nodeId));
        System.out.flush();
        stopped.await();
    }
}
