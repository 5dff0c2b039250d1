/**
 * Complete-linkage clustering over a sparse set of edges: clusters merge, closest pair first,
 * only when every cross pair is itself an edge. Deterministic for a given edge set.
 */

export interface Edge {
  a: number;
  b: number;
  distance: number;
}

/**
 * Returns the clusters of two or more nodes, as sorted lists of node numbers; a node in none of them
 * is alone (a million-photo library has a million nodes and a few thousand clusters). `linkBeyond`
 * may link a pair that is not among the edges (e.g. one the index did not find but a direct check
 * confirms); it is asked only for cross pairs of two clusters an edge is about to join.
 */
export function completeLinkage(nodeCount: number, edges: readonly Edge[], linkBeyond?: (x: number, y: number) => boolean): number[][] {
  const linked = new Set<number>();
  for (const edge of edges) linked.add(edge.a * nodeCount + edge.b);
  const asked = new Map<number, boolean>();
  const isLinked = (x: number, y: number) => {
    const key = x < y ? x * nodeCount + y : y * nodeCount + x;
    if (linked.has(key)) return true;
    if (!linkBeyond) return false;
    let answer = asked.get(key);
    if (answer === undefined) {
      answer = linkBeyond(x, y);
      asked.set(key, answer);
    }
    return answer;
  };

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
  regroupStragglers(edges, clusterOf, members, isLinked);
  // Ordered by their names (member nodes): the same edges give the same list.
  return [...members]
    .sort(([x], [y]) => x - y)
    .map(([, nodes]) => nodes)
    .filter((nodes) => nodes.length > 1)
    .map((nodes) => nodes.sort((x, y) => x - y));
}

/**
 * Merging closest pairs first can strand a node: A joins B in a pair before either could join the
 * big group that both belong to, and then the pair cannot join (A and one member disagree). One
 * pass moves every node of a smaller cluster into a larger one whose every member it links with.
 * Complete linkage still holds: a node only moves where it links with everybody.
 */
function regroupStragglers(
  edges: readonly Edge[],
  clusterOf: Int32Array,
  members: Map<number, number[]>,
  isLinked: (x: number, y: number) => boolean,
): void {
  const neighbours = new Map<number, number[]>();
  for (const { a, b } of edges) {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  }
  const sizeOf = (cluster: number) => members.get(cluster)?.length ?? 1;
  // Only nodes with an edge can move: in a large library that is a small share of them.
  for (const node of [...neighbours.keys()].sort((x, y) => x - y)) {
    const home = clusterOf[node] as number;
    const candidates = [...new Set((neighbours.get(node) as number[]).map((other) => clusterOf[other] as number))]
      .filter((cluster) => cluster !== home && sizeOf(cluster) >= sizeOf(home))
      .sort((x, y) => sizeOf(y) - sizeOf(x) || x - y);
    const target = candidates.find((cluster) => (members.get(cluster) ?? [cluster]).every((other) => isLinked(node, other)));
    if (target === undefined) continue;
    const left = (members.get(home) ?? [home]).filter((other) => other !== node);
    members.set(target, [...(members.get(target) ?? [target]), node]);
    clusterOf[node] = target;
    // The cluster keeps its smallest remaining node as its name.
    members.delete(home);
    if (left.length > 0) {
      const name = Math.min(...left);
      for (const other of left) clusterOf[other] = name;
      members.set(name, left);
    }
  }
}
