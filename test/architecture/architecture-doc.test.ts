/**
 * docs/architecture.md draws the import graph room by room: its mermaid block must have exactly the
 * arrows the code has between rooms of floors 0-7, and each room in the subgraph of its floor.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FLOORS, GRAPH_ROOTS, roomOf } from './floors';
import { importGraph, sourceFiles } from './import-graph';

const root = path.resolve(__dirname, '../..');
const ENTRIES_FLOOR = Math.max(...FLOORS.map((f) => f.floor));
const idOf = (room: string) => room.replace(/[/.]/g, '_');

const doc = fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
const mermaid = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

describe('docs/architecture.md', () => {
  it('draws every arrow between rooms that the imports have, and no other', () => {
    const graph = importGraph(root, sourceFiles(root, GRAPH_ROOTS));
    const actual = new Set<string>();
    for (const [file, targets] of graph.edges) {
      const from = roomOf(file);
      if (!from || from.floor === ENTRIES_FLOOR) continue;
      for (const target of targets) {
        const to = roomOf(target);
        if (to && to.room !== from.room) actual.add(`${idOf(from.room)} --> ${idOf(to.room)}`);
      }
    }
    const drawn = [...mermaid.matchAll(/^\s*(\w+)\s*-->\s*(\w+)\s*$/gm)].map((m) => `${m[1]} --> ${m[2]}`);
    expect([...new Set(drawn)].sort()).toEqual([...actual].sort());
  });

  it('puts each room in the subgraph of its floor', () => {
    const drawnFloors = new Map<string, number>();
    for (const block of mermaid.matchAll(/subgraph floor(\d+)\[[^\]]*\]\n([\s\S]*?)\n\s*end/g)) {
      for (const node of block[2].matchAll(/^\s*(\w+)\[/gm)) drawnFloors.set(node[1], Number(block[1]));
    }
    const expected = new Map(FLOORS.filter((f) => f.floor < ENTRIES_FLOOR).flatMap((f) => f.rooms.map((r) => [idOf(r), f.floor] as const)));
    expect(Object.fromEntries(drawnFloors)).toEqual(Object.fromEntries(expected));
  });
});
