import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The code blocks of a Markdown guide, as the files they stand for. A block is a file when its
 * first line names it: `// my-platform/pools.ts` in a ```ts block, `# Pulumi.my-platform.yaml` in
 * a ```yaml block; the path is relative to the repository root, and the block's relative imports
 * are written as from that path. Every ```ts block must name its file, so none escapes the test.
 */
export interface GuideBlock {
  /** Path relative to the repository root, as named on the block's first line. */
  readonly file: string;
  readonly lang: 'ts' | 'yaml';
  /** The block without its first (file name) line. */
  readonly code: string;
  /** 1-based line in the Markdown of the block's first code line (after the file name line). */
  readonly line: number;
}

const FILE_LINE: Record<GuideBlock['lang'], RegExp> = { ts: /^\/\/ ([\w./-]+\.ts)$/, yaml: /^# ([\w./-]+\.ya?ml)$/ };

/** Every file block of `markdown`; throws on a ```ts block without a file name or a name used twice. */
export function guideBlocks(markdown: string, source = 'guide'): GuideBlock[] {
  const lines = markdown.split('\n');
  const blocks: GuideBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w+)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${source}:${i + 1}: code block never closed`);
    const lang = fence[1] === 'typescript' ? 'ts' : fence[1];
    if (lang === 'ts' || lang === 'yaml') {
      const named = FILE_LINE[lang].exec(lines[i + 1] ?? '');
      if (named) {
        if (blocks.some((b) => b.file === named[1])) throw new Error(`${source}:${i + 2}: '${named[1]}' is named by two blocks`);
        blocks.push({ file: named[1], lang, code: `${lines.slice(i + 2, end).join('\n')}\n`, line: i + 3 });
      } else if (lang === 'ts') {
        throw new Error(`${source}:${i + 2}: a \`\`\`ts block must start with its file name (// my-platform/<file>.ts) so the guide test compiles it`);
      }
    }
    i = end;
  }
  return blocks;
}

const SPECIFIER = /((?:from|import)\s*\(?\s*|require\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g;

/**
 * Writes the ts blocks under `dir`, at their paths. A relative import of another block keeps
 * pointing at that block; one of a project file is rewritten to point at the real file, so the
 * blocks compile and run from `dir` exactly as they would from the repository root. Line numbers
 * are unchanged. Returns the absolute paths written, by block file.
 */
export function materialize(blocks: readonly GuideBlock[], root: string, dir: string): Map<string, string> {
  const own = new Set(blocks.map((b) => b.file.replace(/\.ts$/, '')));
  const written = new Map<string, string>();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const b of blocks.filter((x) => x.lang === 'ts')) {
    const target = path.join(dir, b.file);
    const code = b.code.replace(SPECIFIER, (_m, head: string, quote: string, spec: string) => {
      const resolved = path.relative(root, path.resolve(root, path.dirname(b.file), spec));
      if (own.has(resolved)) return `${head}${quote}${spec}${quote}`;
      let rel = path.relative(path.dirname(target), path.join(root, resolved)).split(path.sep).join('/');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${head}${quote}${rel}${quote}`;
    });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, code);
    written.set(b.file, target);
  }
  return written;
}

/**
 * Type-checks `files` with the project's compiler options (tsconfig.json: strict, unused locals,
 * ...), no emit. Incremental, with its build info in `buildInfo`: the blocks reach the Pulumi
 * SDKs' types through stacks/, which take most of a cold check. Returns one message per
 * diagnostic, with the guide line it comes from.
 */
export function typeCheck(files: ReadonlyMap<string, string>, blocks: readonly GuideBlock[], root: string, source: string, buildInfo: string): string[] {
  const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, incremental: true, tsBuildInfoFile: buildInfo };
  const program = ts.createIncrementalProgram({ rootNames: [...files.values()], options, host: ts.createIncrementalCompilerHost(options) });
  const diagnostics = [
    ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(),
  ];
  program.emit(); // with noEmit: only the build info
  const byPath = new Map([...files].map(([file, abs]) => [path.resolve(abs), blocks.find((b) => b.file === file)!] as const));
  return diagnostics.map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const block = byPath.get(path.resolve(d.file.fileName));
    return block ? `${source}:${block.line + line} (${block.file}:${line + 2}): ${text}` : `${d.file.fileName}:${line + 1}: ${text}`;
  });
}
