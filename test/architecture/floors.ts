/**
 * The floors of the project, lowest first. A file belongs to the room with the longest matching
 * path prefix; it may import files of its own room and of rooms on lower floors, never of a room
 * on its own floor or above. docs/architecture.md and the folder READMEs describe the same table.
 */
export interface Floor {
  readonly floor: number;
  readonly name: string;
  readonly rooms: readonly string[];
}

export const FLOORS: readonly Floor[] = [
  { floor: 0, name: 'generated', rooms: ['constructs/imports'] },
  { floor: 1, name: 'ground', rooms: ['constructs/core'] },
  { floor: 2, name: 'models', rooms: ['constructs/cluster', 'constructs/operations/network'] },
  { floor: 3, name: 'patterns and checks', rooms: ['constructs/ingestion', 'constructs/training', 'constructs/serving', 'constructs/workflow', 'constructs/checks'] },
  { floor: 4, name: 'operations', rooms: ['constructs/operations'] },
  { floor: 5, name: 'app', rooms: ['constructs/app'] },
  { floor: 6, name: 'charts', rooms: ['charts'] },
  { floor: 7, name: 'stacks', rooms: ['stacks'] },
  { floor: 8, name: 'entries', rooms: ['main.ts', 'bench', 'scripts'] },
];

/** The directories (and files) whose .ts files make the graph. */
export const GRAPH_ROOTS: readonly string[] = ['constructs', 'charts', 'stacks', 'scripts', 'bench', 'main.ts'];

/** The room of a file and its floor, or undefined when no room holds it. */
export function roomOf(file: string): { room: string; floor: number } | undefined {
  let best: { room: string; floor: number } | undefined;
  for (const { floor, rooms } of FLOORS) {
    for (const room of rooms) {
      const holds = file === room || file.startsWith(`${room}/`);
      if (holds && (!best || room.length > best.room.length)) best = { room, floor };
    }
  }
  return best;
}
