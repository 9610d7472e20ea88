/**
 * The project's file-level import graph, read from the source text (no compiler): every
 * `import ... from`, `import '...'`, `export ... from`, `import type`, `import('...')` and
 * `require('...')` of a relative path, resolved to the .ts file it loads. Type-only imports count:
 * a circle of types is still a circle a reader has to hold in their head.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Relative paths (from the repository root, `/`-separated) of a file and what it imports. */
export interface ImportGraph {
  readonly files: readonly string[];
  readonly edges: ReadonlyMap<string, readonly string[]>;
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]/g,
  /\bimport\s+['"]([^'"]+)['"]/g,
  /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The module specifiers a TypeScript source imports, comments stripped first. */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) found.push(match[1]);
  }
  return [...new Set(found)];
}

/** Every .ts file under `dirs` (and the single files named in `dirs`), relative to `root`. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isFile()) {
      if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) out.push(rel);
      return;
    }
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      walk(path.posix.join(rel, entry.name));
    }
  };
  for (const dir of dirs) walk(dir);
  return out.sort();
}

function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    const abs = path.join(root, candidate);
    if (candidate.endsWith('.ts') && fs.existsSync(abs) && fs.statSync(abs).isFile()) return candidate;
  }
  return undefined;
}

/** The graph of `files`; imports of files outside the set (tests, .mjs scripts) are kept as edges too. */
export function importGraph(root: string, files: readonly string[]): ImportGraph {
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const specifier of importSpecifiers(fs.readFileSync(path.join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(root, file, specifier);
      if (target) targets.push(target);
    }
    edges.set(file, [...new Set(targets)].sort());
  }
  return { files, edges };
}

/** One circle: every file of it, and one closed path through it (first file repeated at the end). */
export interface ImportCycle {
  readonly files: readonly string[];
  readonly path: readonly string[];
}

/**
 * The import circles: strongly connected components of more than one file (or a file importing
 * itself), with one closed path through each, so a failure names the arrows to cut.
 */
export function importCycles(graph: ImportGraph): ImportCycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfImport = (graph.edges.get(file) ?? []).includes(file);
      if (component.length > 1 || selfImport) components.push(component.sort());
    }
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return components.map((files) => ({ files, path: closedPath(graph, files) }));
}

/** A shortest closed path from the component's first file back to itself, inside the component. */
function closedPath(graph: ImportGraph, component: readonly string[]): string[] {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of graph.edges.get(file) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const route = [file];
        while (route[0] !== start) route.unshift(previous.get(route[0])!);
        return [...route, start];
      }
      if (!previous.has(target)) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  return [...component, start];
}
