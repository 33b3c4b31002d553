package dev.l2caf.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/** Nodes of a GraphDef by name, with their consumers: what graph surgery and detection walk over. */
public final class GraphIndex {
  private final Map<String, NodeDef> nodes = new LinkedHashMap<>();
  private final Map<String, List<String>> consumers = new HashMap<>();

  public GraphIndex(GraphDef graphDef) {
    for (NodeDef node : graphDef.getNodeList()) {
      nodes.put(node.getName(), node);
    }
    for (NodeDef node : graphDef.getNodeList()) {
      for (String input : node.getInputList()) {
        consumers.computeIfAbsent(nodeName(input), k -> new ArrayList<>()).add(node.getName());
      }
    }
  }

  /** "name:1" and "^name" (a control input) both name node "name". */
  public static String nodeName(String tensorOrInput) {
    String name = tensorOrInput.startsWith("^") ? tensorOrInput.substring(1) : tensorOrInput;
    int colon = name.lastIndexOf(':');
    return colon > 0 && name.substring(colon + 1).chars().allMatch(Character::isDigit)
        ? name.substring(0, colon)
        : name;
  }

  /** "name:1" is output 1; "name" is output 0. */
  public static int outputIndex(String tensor) {
    int colon = tensor.lastIndexOf(':');
    if (colon > 0 && colon < tensor.length() - 1) {
      String suffix = tensor.substring(colon + 1);
      if (suffix.chars().allMatch(Character::isDigit)) {
        return Integer.parseInt(suffix);
      }
    }
    return 0;
  }

  public boolean contains(String tensorOrNode) {
    return nodes.containsKey(nodeName(tensorOrNode));
  }

  public NodeDef node(String tensorOrNode) {
    NodeDef node = nodes.get(nodeName(tensorOrNode));
    if (node == null) {
      throw new ModelException("the graph has no node named '" + nodeName(tensorOrNode) + "'");
    }
    return node;
  }

  public Collection<NodeDef> nodes() {
    return nodes.values();
  }

  public List<String> consumers(String node) {
    return consumers.getOrDefault(node, List.of());
  }

  /** The data (non-control) inputs of a node, as node names. */
  public List<String> dataInputNodes(NodeDef node) {
    return node.getInputList().stream().filter(i -> !i.startsWith("^")).map(GraphIndex::nodeName).toList();
  }

  /** Every node reachable downstream of {@code start} (excluding it). */
  public Set<String> downstream(String start) {
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>(consumers(nodeName(start)));
    while (!queue.isEmpty()) {
      String name = queue.poll();
      if (seen.add(name)) {
        queue.addAll(consumers(name));
      }
    }
    return seen;
  }

  /** Every node that {@code end} depends on through data inputs (excluding it). */
  public Set<String> upstream(String end) {
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>(dataInputNodes(node(end)));
    while (!queue.isEmpty()) {
      String name = queue.poll();
      if (seen.add(name) && nodes.containsKey(name)) {
        queue.addAll(dataInputNodes(nodes.get(name)));
      }
    }
    return seen;
  }

  /**
   * The nodes on a path from {@code from} to {@code to} (both tensors), {@code to}'s node included and
   * {@code from}'s excluded, in topological order: the part of the network after a layer.
   */
  public List<NodeDef> between(String from, String to) {
    Set<String> after = downstream(from);
    Set<String> before = upstream(to);
    before.add(nodeName(to));
    List<NodeDef> path = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    // Kahn-style ordering restricted to the path: a node is placed once all its path inputs are.
    List<String> pending = nodes.keySet().stream().filter(n -> after.contains(n) && before.contains(n)).toList();
    Set<String> onPath = new HashSet<>(pending);
    boolean progress = true;
    while (placed.size() < onPath.size() && progress) {
      progress = false;
      for (String name : pending) {
        if (placed.contains(name)) {
          continue;
        }
        NodeDef node = nodes.get(name);
        boolean ready = dataInputNodes(node).stream().allMatch(i -> !onPath.contains(i) || placed.contains(i));
        if (ready) {
          path.add(node);
          placed.add(name);
          progress = true;
        }
      }
    }
    if (placed.size() < onPath.size()) {
      throw new ModelException("the graph between " + from + " and " + to + " has a cycle");
    }
    return path;
  }
}
