package io.varmor.k8s.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What an agent sends: results for its node. A {@code full} report is a snapshot (sent as a heartbeat and after a
 * leader change): profiles it does not list have nothing loaded on that node.
 *
 * @param nodeName must equal the node the caller's token is bound to
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeReport(String nodeName, boolean full, List<ProfileReport> reports) {}
