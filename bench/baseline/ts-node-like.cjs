#!/usr/bin/env node
// Baseline runner: what `npx ts-node main.ts` (the `app` of a default cdk8s project) does, rebuilt
// on the TypeScript compiler API because ts-node is not a dependency here.
//
// ts-node (default: type-check on, no transpile-only, no SWC) loads the project's tsconfig.json,
// creates a TypeScript LanguageService rooted at the entry, and installs a require hook for `.ts`:
// every required project file is type-checked (syntactic + semantic diagnostics, failing on errors)
// and emitted from that same type-checked program, then run by Node's CommonJS loader; packages in
// node_modules are required as compiled JS. This file does exactly that with `ts.createProgram`
// (one program over the entry, as the LanguageService builds) and `program.emit(sourceFile)` per
// required file. Not reproduced: ts-node's source-map-support install and the `npx` start-up
// (~0.2-0.4 s), which both only make the real baseline slower, so the ratio is conservative.
const path = require('node:path');
const ts = require('typescript');

const entry = path.resolve(process.argv[2] ?? 'main.ts');
const configFile = ts.findConfigFile(path.dirname(entry), ts.sys.fileExists, 'tsconfig.json');
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, path.dirname(configFile));
// ts-node's overrides: it emits CommonJS in memory, never declarations or build info.
const options = {
  ...parsed.options,
  noEmit: false,
  declaration: false,
  sourceMap: true,
  inlineSourceMap: false,
  inlineSources: true,
  incremental: false,
  tsBuildInfoFile: undefined,
  outDir: '$$ts-node$$',
};
const program = ts.createProgram({ rootNames: [entry], options });
const format = (diags) => ts.formatDiagnostics(diags, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' });

require.extensions['.ts'] = (module, filename) => {
  const sourceFile = program.getSourceFile(filename);
  if (!sourceFile) throw new Error(`${filename} is not part of the program rooted at ${entry}`);
  const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
  if (diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) throw new Error(`⨯ Unable to compile TypeScript:\n${format(diagnostics)}`);
  let js;
  program.emit(sourceFile, (name, text) => {
    if (name.endsWith('.js')) js = text;
  });
  if (js === undefined) throw new Error(`no output for ${filename}`);
  module._compile(js, filename);
};
require(entry);
