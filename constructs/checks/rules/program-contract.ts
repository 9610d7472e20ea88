import { ImageFacts } from '../../core/image';
import { factsOfImage } from '../declared-externals';
import { flagsOf, isRelativePath, ProgramFacts } from '../../core/program-facts';
import { mountAccess, unwritableRelativeWrites } from '../../core/working-directory';
import { argvOf, mpiExportedEnv, resolvePath, scriptsRunBy } from '../container-commands';
import { injectedEnv } from '../injected-env';
import { containersOf, PodTemplate } from '../pod-templates';
import { programFactsAt } from '../program-lookup';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Commands agree with the programs they run: flags the program parses (argparse exits with
 * "unrecognized arguments" / "the following arguments are required"), flags given to a program
 * that parses none (silently ignored), environment it fails without (unless the operator creating
 * the pod sets it: injected-env.ts, or mpirun by value for its ranks), paths it reads (on a mounted volume), and workflow step
 * outputs read from files (Argo fails the step when the file is missing: "no such file or
 * directory") that the program really writes. Relative reads and writes resolve against the container's `workingDir`,
 * else the image's WORKDIR (`/` when the Dockerfile sets none). A non-root container whose program
 * writes relative paths needs them on a writable mount or in an image WORKDIR its UID owns
 * (ImageFacts.workdirWritableBy): `/` and a WORKDIR the build creates belong to root, so e.g.
 * Keras' `TensorBoard(log_dir='./logs')` fails in `model.fit` with PermissionDenied. Programs
 * are described by the image map (ImageFacts.programs) or by the ScriptBundle that ships them;
 * unknown programs and inline `python -c` code are not judged.
 * Severity: what the declared facts say fails is an error. Warnings where the project cannot
 * know: flags to a program whose facts declare no arguments at all (they may only say what it
 * reads), environment a container's `envFrom` may provide (a Secret, a ConfigMap not deployed
 * with it), a working directory in an image nobody described. argparse accepts unique prefixes
 * of its flags (`allow_abbrev`, default on); an output file named on the command line (a flag
 * value, a shell wrapper's redirect) is taken as written.
 */
export const programContract: SemanticRule = {
  id: 'program-contract',
  summary: 'commands, environment, reads, writes and step outputs agree with the programs they run',
  check(ctx: CheckContext): void {
    for (const t of ctx.index.podTemplates()) {
      for (const c of containersOf(t.spec)) {
        const argv = argvOf(c);
        const image = factsOfImage(ctx.target, String(c.image));
        const cwd: string = c.workingDir ?? image?.workdir ?? '/';
        // A launcher (ProgramFacts.launches) runs the next script with its variables set: judge that one.
        const scripts = scriptsRunBy(c);
        const launched: string[] = [];
        let script = scripts.shift();
        let path = script === undefined ? '' : resolvePath(script, cwd);
        let facts = script === undefined ? undefined : programFactsAt(ctx, t, c, path);
        while (facts?.launches && scripts.length) {
          launched.push(...facts.launches.env);
          script = scripts.shift()!;
          path = resolvePath(script, cwd);
          facts = programFactsAt(ctx, t, c, path);
        }
        if (!script || !facts || facts.launches) continue;
        const field = `${t.field} container '${c.name}' command`;
        const value = argv.join(' ');
        const after = argv.slice(argv.indexOf(script) + 1);
        for (const p of argumentProblems(path, facts, flagsOf(after))) ctx.report({ entry: t.entry, field, value, severity: p.severity, message: `${t.role}: ${p.text}` });
        // Ranks mpirun starts also get what it sets by value (`-x NAME=VALUE`, e.g. a pool's EFA settings).
        const injected = [...injectedEnv(t, c), ...launched, ...mpiExportedEnv(c)];
        const { names: env, unknown: envFromUnknown } = environmentOf(ctx, t, c);
        const missingEnv = (facts.requiredEnv ?? []).filter((v) => !env.has(v) && !injected.includes(v));
        if (missingEnv.length) {
          ctx.report({
            entry: t.entry, field, value, severity: envFromUnknown ? 'warning' : 'error',
            message: `${t.role}: '${path}' fails without ${missingEnv.join(', ')}, which neither the container${envFromUnknown ? ` (unless its envFrom ${envFromUnknown} has it)` : ''} nor the ${t.entry.object.kind} that creates the pod sets; run it where it is set (e.g. a TFJob sets TF_CONFIG) or set it`,
          });
        }
        const mounts: string[] = (c.volumeMounts ?? []).map((m: Record<string, any>) => m.mountPath.replace(/\/$/, ''));
        for (const read of facts.reads ?? []) {
          const at = resolvePath(read, cwd);
          if (!mounts.some((m) => at === m || at.startsWith(`${m}/`))) {
            const where = isRelativePath(read) ? `${read} (${at}: relative to its working directory ${cwd})` : read;
            ctx.report({ entry: t.entry, field, value, message: `${t.role}: '${path}' reads ${where}, which no volume of the container is mounted at (mounts: ${mounts.join(', ') || 'none'}), so it finds nothing there; mount the volume its inputs are written to at that path` });
          }
        }
        checkWorkingDirectory(ctx, t, c, path, facts, cwd, image);
        checkReadOnlyWrites(ctx, t, c, path, facts);
        if (c === t.spec.containers?.[0]) checkOutputs(ctx, t, path, facts, cwd, argv);
      }
    }
  },
};

/**
 * The variables a container has: its `env`, and the keys of ConfigMaps its `envFrom` names that are
 * deployed with it. `unknown` names the sources whose keys cannot be known here (Secrets, ConfigMaps
 * made elsewhere).
 */
function environmentOf(ctx: CheckContext, t: PodTemplate, c: Record<string, any>): { names: Set<string>; unknown?: string } {
  const names = new Set<string>((c.env ?? []).map((e: Record<string, any>) => e.name));
  const unknown: string[] = [];
  for (const from of c.envFrom ?? []) {
    const cm = from.configMapRef?.name ? ctx.index.find('/ConfigMap', t.entry.namespace, from.configMapRef.name) : undefined;
    if (cm) for (const k of Object.keys(cm.object.data ?? {})) names.add(`${from.prefix ?? ''}${k}`);
    else unknown.push(from.configMapRef?.name ? `ConfigMap '${from.configMapRef.name}'` : `Secret '${from.secretRef?.name}'`);
  }
  return { names, unknown: unknown.length ? unknown.join(', ') : undefined };
}

/**
 * The flag a command-line flag stands for: itself, or the one known flag it is a unique prefix of
 * (argparse's `allow_abbrev`, on by default); undefined when unknown or ambiguous.
 */
function resolveFlag(flag: string, known: ReadonlySet<string>): string | undefined {
  if (known.has(flag)) return flag;
  const longer = [...known].filter((k) => k.startsWith(flag));
  return longer.length === 1 ? longer[0] : undefined;
}

function argumentProblems(path: string, facts: ProgramFacts, flags: readonly string[]): { text: string; severity: 'error' | 'warning' }[] {
  const problems: { text: string; severity: 'error' | 'warning' }[] = [];
  if (facts.requiredArgs === undefined && facts.optionalArgs === undefined) {
    // Facts that say nothing about arguments cannot tell "parses none" from "not described".
    if (flags.length) problems.push({ severity: 'warning', text: `the facts of '${path}' declare no arguments, so if it parses none ${flags.join(', ')} change nothing; drop them, or declare the flags it takes (requiredArgs, optionalArgs; [] when it takes none)` });
    return problems;
  }
  const known = new Set([...(facts.requiredArgs ?? []), ...(facts.optionalArgs ?? [])]);
  const given = flags.map((f) => ({ flag: f, as: resolveFlag(f, known) }));
  const unknown = given.filter((g) => !g.as).map((g) => g.flag);
  if (unknown.length) problems.push({ severity: 'error', text: `'${path}' does not accept ${unknown.join(', ')} (it takes ${[...known].join(', ') || 'no flags'}), so it exits with "unrecognized arguments"` });
  const missing = (facts.requiredArgs ?? []).filter((f) => !given.some((g) => g.as === f));
  if (missing.length) problems.push({ severity: 'error', text: `'${path}' requires ${missing.join(', ')}, so it exits with "the following arguments are required"` });
  return problems;
}

/**
 * A non-root container's program writes its relative paths where its user may write. The user:
 * the container's, else the pod's `runAsUser`; `runAsNonRoot` alone is some non-root UID. Without
 * either it is the image's user, unknown here (the images the project pins run as root).
 */
function checkWorkingDirectory(ctx: CheckContext, t: PodTemplate, c: Record<string, any>, path: string, facts: ProgramFacts, cwd: string, image: ImageFacts | undefined): void {
  if (!(facts.writes ?? []).some(isRelativePath)) return;
  const uid: number | undefined = c.securityContext?.runAsUser ?? t.spec.securityContext?.runAsUser;
  const nonRoot = uid !== undefined ? uid !== 0 : (c.securityContext?.runAsNonRoot ?? t.spec.securityContext?.runAsNonRoot) === true;
  if (!nonRoot) return;
  const volumes = new Map<string, Record<string, any>>((t.spec.volumes ?? []).map((v: Record<string, any>) => [v.name, v]));
  const mounts = (c.volumeMounts ?? []).map((m: Record<string, any>) => mountAccess(m as { mountPath: string }, volumes.get(m.name)));
  const user = uid === undefined ? 'a non-root user' : `UID ${uid}`;
  for (const w of unwritableRelativeWrites(facts, cwd, mounts, image, uid)) {
    const unknownImage = !image && !w.readOnlyMount;
    const why = w.readOnlyMount
      ? `the read-only mount ${w.readOnlyMount}`
      : `the image's ${cwd === (image?.workdir ?? '/') ? 'WORKDIR' : 'directory'}, which only ${image?.workdirWritableBy?.length ? `UID ${image.workdirWritableBy.join(', ')}` : 'root'} may write${image ? '' : ' (the image map knows nothing about the image)'}`;
    ctx.report({
      entry: t.entry, field: `${t.field} container '${c.name}' workingDir`, value: cwd, severity: unknownImage ? 'warning' : 'error',
      message: `${t.role} container '${c.name}': '${path}' writes ${w.path} relative to its working directory, i.e. ${w.resolved}, on ${why}; as ${user} it fails with "Permission denied". Run it with workingDir on a writable mount (an emptyDir or a claim; the platform's pod templates derive one from ProgramFacts.writes), or in an image WORKDIR that user owns (ImageFacts.workdirWritableBy)`,
    });
  }
}

/**
 * Absolute paths a program writes must not be on a read-only mount (`readOnly`, a read-only claim,
 * or a configMap/secret/downwardAPI/projected volume, which the kubelet always mounts read-only):
 * the write fails with "Read-only file system". Relative writes are checked with the working directory.
 */
function checkReadOnlyWrites(ctx: CheckContext, t: PodTemplate, c: Record<string, any>, path: string, facts: ProgramFacts): void {
  const volumes = new Map<string, Record<string, any>>((t.spec.volumes ?? []).map((v: Record<string, any>) => [v.name, v]));
  const mounts = (c.volumeMounts ?? []).map((m: Record<string, any>) => mountAccess(m as { mountPath: string }, volumes.get(m.name)));
  for (const w of (facts.writes ?? []).filter((x) => !isRelativePath(x))) {
    const on = mounts.filter((m: { mountPath: string }) => w === m.mountPath || w.startsWith(`${m.mountPath === '/' ? '' : m.mountPath}/`))
      .sort((a: { mountPath: string }, b: { mountPath: string }) => b.mountPath.length - a.mountPath.length)[0];
    if (!on || on.writable) continue;
    ctx.report({
      entry: t.entry, field: `${t.field} container '${c.name}' volumeMounts`, value: on.mountPath,
      message: `${t.role}: '${path}' writes ${w}, which is on the read-only mount ${on.mountPath}, so it fails with "Read-only file system"; mount a writable volume there (an emptyDir or a claim without readOnly) or write elsewhere`,
    });
  }
}

/**
 * True when a command-line word names `file` or a directory holding it: the word itself (a flag's
 * value, `sh -c` words, quoted or not), `--flag=<path>`, or a shell redirect `>path`, `>>path`, `2>path`.
 */
function namesFile(word: string, file: string): boolean {
  const path = word.replace(/^--?[\w-]+=/, '').replace(/^[0-9&]?>>?/, '').replace(/^['"]|['"]$/g, '').replace(/\/$/, '');
  return path.startsWith('/') && (path === file || file.startsWith(`${path}/`));
}

/**
 * Workflow step outputs read from files must be files the program writes. A file the command line
 * names (a flag's value, a shell wrapper writing it), or a directory holding it, is taken as written.
 */
function checkOutputs(ctx: CheckContext, t: PodTemplate, path: string, facts: ProgramFacts, cwd: string, argv: readonly string[]): void {
  const outputs = t.outputs ?? {};
  const files: { field: string; file: string }[] = [
    ...(outputs.parameters ?? []).filter((p: Record<string, any>) => p.valueFrom?.path).map((p: Record<string, any>) => ({ field: `outputs.parameters['${p.name}']`, file: p.valueFrom.path })),
    ...(outputs.artifacts ?? []).filter((a: Record<string, any>) => a.path).map((a: Record<string, any>) => ({ field: `outputs.artifacts['${a.name}']`, file: a.path })),
  ];
  for (const { field, file } of files) {
    if ((facts.writes ?? []).map((w) => resolvePath(w, cwd)).some((w) => w === file || (w.endsWith('/') && file.startsWith(w)))) continue;
    if (argv.some((a) => namesFile(a, file))) continue;
    ctx.report({
      entry: t.entry, field: `${t.field}.${field}`, value: file,
      message: `${t.role}: '${path}' never writes ${file} (it writes ${facts.writes?.join(', ') || 'no declared files'}), so Argo fails the step when it collects the output; read an output the program writes`,
    });
  }
}
