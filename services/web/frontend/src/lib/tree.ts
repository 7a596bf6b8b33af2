/** Walks over alignment trees (an objective may appear under several parents). */

interface Node<T> {
  objective_id: string;
  children: T[];
}

export function flatten<T extends Node<T>>(roots: T[]): { node: T; depth: number }[] {
  const out: { node: T; depth: number }[] = [];
  const walk = (nodes: T[], depth: number) => {
    for (const node of nodes) {
      out.push({ node, depth });
      walk(node.children, depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}

/** Each objective once, the first time it is met. */
export function distinct<T extends Node<T>>(roots: T[]): T[] {
  const seen = new Set<string>();
  return flatten(roots)
    .map((e) => e.node)
    .filter((n) => (seen.has(n.objective_id) ? false : (seen.add(n.objective_id), true)));
}
