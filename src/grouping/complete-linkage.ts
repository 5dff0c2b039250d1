/**
 * Complete-linkage clustering over a sparse set of edges: clusters merge, closest pair first,
 * only when every cross pair is itself an edge. Deterministic for a given edge set.
 */

export interface Edge {
  a: number;
  b: number;
  distance: number;
}

/** Returns clusters as sorted lists of node numbers, every node in exactly one cluster. */
export function completeLinkage(nodeCount: number, edges: readonly Edge[]): number[][] {
  const linked = new Set<number>();
  for (const edge of edges) linked.add(edge.a * nodeCount + edge.b);
  const isLinked = (x: number, y: number) => linked.has(x < y ? x * nodeCount + y : y * nodeCount + x);

  const clusterOf = new Int32Array(nodeCount).map((_, node) => node);
  const members = new Map<number, number[]>();
  const ordered = [...edges].sort((p, q) => p.distance - q.distance || p.a - q.a || p.b - q.b);
  for (const edge of ordered) {
    const left = clusterOf[edge.a] as number;
    const right = clusterOf[edge.b] as number;
    if (left === right) continue;
    const leftMembers = members.get(left) ?? [left];
    const rightMembers = members.get(right) ?? [right];
    if (!leftMembers.every((x) => rightMembers.every((y) => isLinked(x, y)))) continue;
    const [keep, drop] = left < right ? [left, right] : [right, left];
    const merged = [...leftMembers, ...rightMembers];
    for (const node of merged) clusterOf[node] = keep;
    members.set(keep, merged);
    members.delete(drop);
  }
  const clusters: number[][] = [];
  for (let node = 0; node < nodeCount; node++) {
    if (clusterOf[node] !== node) continue;
    clusters.push((members.get(node) ?? [node]).sort((x, y) => x - y));
  }
  return clusters;
}
