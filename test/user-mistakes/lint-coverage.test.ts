import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// scripts/synth.mjs bundles an entry with esbuild and never type-checks it; `npm run lint` is what
// does. So an entry (main.ts, a script's .ts, a user's own folder) outside tsconfig.json's files
// would run unchecked: a missing prop there surfaces only at run time. Every .ts file in the
// repository must be in the lint program.

const root = path.resolve(__dirname, '../..');
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.cache', 'dist']);

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.isDirectory()) return SKIPPED_DIRS.has(d.name) || d.name.startsWith('dist.') ? [] : tsFiles(path.join(dir, d.name));
    return d.isFile() && d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [];
  });
}

describe('npm run lint type-checks every entry', () => {
  test('the lint script runs tsc over tsconfig.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.lint).toMatch(/\btsc -p tsconfig\.json\b/);
  });

  test('tsconfig.json includes every .ts file of the repository', () => {
    const file = path.join(root, 'tsconfig.json');
    const config = ts.readConfigFile(file, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, file);
    const checked = new Set(parsed.fileNames.map((f) => path.resolve(f)));
    const found = tsFiles(root);
    // The walk itself must see the entries that motivated the rule.
    expect(found).toEqual(expect.arrayContaining([path.join(root, 'main.ts'), path.join(root, 'scripts/verify/pulumi/plan-entry.ts')]));
    expect(found.filter((f) => !checked.has(f)).map((f) => path.relative(root, f))).toEqual([]);
  });
});
