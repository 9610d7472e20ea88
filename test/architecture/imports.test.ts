/**
 * The import graph of constructs/, charts/, stacks/, scripts/ and bench/ has no circles, and every
 * arrow points down the floors of floors.ts. A failure names the files of the circle or the arrow.
 */
import * as path from 'node:path';
import { FLOORS, GRAPH_ROOTS, roomOf } from './floors';
import { importCycles, importGraph, importSpecifiers, sourceFiles } from './import-graph';

const root = path.resolve(__dirname, '../..');
const graph = importGraph(root, sourceFiles(root, GRAPH_ROOTS));

describe('import graph', () => {
  it('reads the files and their imports', () => {
    // The walk must see the entries and the rooms that motivated the rules.
    expect(graph.files).toEqual(expect.arrayContaining(['main.ts', 'constructs/app/platform-app.ts', 'constructs/core/pod-template.ts']));
    expect(graph.edges.get('constructs/app/platform-app.ts')).toEqual(expect.arrayContaining(['constructs/checks/rules/index.ts']));
  });

  it('has no import circles', () => {
    const circles = importCycles(graph).map((c) => `${c.path.join(' -> ')}\n    (files of the circle: ${c.files.join(', ')})`);
    expect(circles).toEqual([]);
  });

  it('puts every file in a room of the floors table', () => {
    expect(graph.files.filter((f) => !roomOf(f))).toEqual([]);
  });

  it('has every arrow pointing to its own room or a lower floor', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph.edges) {
      const from = roomOf(file);
      for (const target of targets) {
        const to = roomOf(target);
        if (!from || !to || from.room === to.room || to.floor < from.floor) continue;
        upward.push(`${file} (${from.room}, floor ${from.floor}) -> ${target} (${to.room}, floor ${to.floor})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no empty room in the floors table', () => {
    const rooms = FLOORS.flatMap((f) => f.rooms);
    expect(rooms.filter((room) => !graph.files.some((f) => roomOf(f)?.room === room))).toEqual([]);
  });
});

describe('importCycles', () => {
  it('names every file of a circle and a closed path through it', () => {
    const edges = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts', 'd.ts']], ['d.ts', []]]);
    expect(importCycles({ files: [...edges.keys()], edges })).toEqual([{ files: ['a.ts', 'b.ts', 'c.ts'], path: ['a.ts', 'b.ts', 'c.ts', 'a.ts'] }]);
  });

  it('counts a file importing itself', () => {
    const edges = new Map([['a.ts', ['a.ts']]]);
    expect(importCycles({ files: ['a.ts'], edges })).toEqual([{ files: ['a.ts'], path: ['a.ts', 'a.ts'] }]);
  });
});

describe('importSpecifiers', () => {
  it('reads value, type-only, re-export, side-effect, dynamic and require imports, not comments', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "export * from './c';",
      "export { d } from './d';",
      "import './e';",
      "const f = import('./f');",
      "const g = require('./g');",
      "import {\n  h,\n  type H,\n} from './h';",
      "// import { x } from './commented';",
      "/* import { y } from './block'; */",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h']);
  });
});
