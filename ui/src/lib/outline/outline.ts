// Pure outline logic: which rows are visible, where a drop lands, what kind a new child gets.
import type { DocIndex } from '../document/docIndex';
import type { Node } from '../ipc/types';

export type Row = { node: Node; depth: number; hasChildren: boolean; expanded: boolean; posinset: number; setsize: number };

/** Visible rows in pre-order; children only under expanded nodes. */
export function visibleRows(ix: DocIndex, expanded: Set<string>): Row[] {
  const out: Row[] = [];
  const walk = (nodes: Node[], depth: number) => {
    nodes.forEach((node, i) => {
      const kids = ix.children(node.id);
      const open = expanded.has(node.id);
      out.push({ node, depth, hasChildren: kids.length > 0, expanded: open, posinset: i + 1, setsize: nodes.length });
      if (open && kids.length) walk(kids, depth + 1);
    });
  };
  walk(ix.roots(), 0);
  return out;
}

export type DropZone = 'before' | 'inside' | 'after';

/** Where a node dropped on `target` goes: new parent and position among the new siblings. */
export function dropTarget(
  ix: DocIndex,
  moving: string,
  target: Node,
  zone: DropZone,
): { parent: string | null; position: number } | null {
  if (moving === target.id) return null;
  // Refuse dropping a node into its own subtree.
  if (target.id === moving || ix.ancestors(target.id).some((a) => a.id === moving)) return null;
  if (zone === 'inside') {
    const kids = ix.children(target.id).filter((k) => k.id !== moving);
    return { parent: target.id, position: kids.length };
  }
  const parent = target.parent;
  const siblings = (parent ? ix.children(parent) : ix.roots()).filter((k) => k.id !== moving);
  const at = siblings.findIndex((s) => s.id === target.id);
  return { parent, position: zone === 'before' ? at : at + 1 };
}

const DEFAULT_CHILD: Record<string, string> = { program: 'course', course: 'unit', unit: 'lesson', module: 'lesson' };

/** Kind for a new child of `kind` (template first, then the usual hierarchy). */
export function childKind(kind: string, templateChildren: string[] | undefined): string {
  return templateChildren?.[0] ?? DEFAULT_CHILD[kind] ?? 'lesson';
}

export function kindLabel(kind: string): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}
