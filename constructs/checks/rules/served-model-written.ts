import { workflowSpecOf } from '../argo';
import { argvOf, resolvePath, scriptsRunBy } from '../container-commands';
import { factsOfImage } from '../declared-externals';
import type { ManifestEntry } from '../manifest-entry';
import { containersOf, PodTemplate } from '../pod-templates';
import { programFactsAt } from '../program-lookup';
import { SERVING_KINDS } from '../kinds';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * An InferenceService a workflow step creates serves a path some step of the same workflow writes.
 * For `pvc://<claim>/<path>` KServe mounts the claim into the predictor and the model server
 * loads `<path>` under it (kserve v0.20 `pkg/webhook/admission/pod/storage_initializer_injector.go`);
 * a path nothing wrote leaves the server without a model, so the predictor never becomes Ready. Written paths are read from the steps that mount the claim writable: their
 * programs' `ProgramFacts.writes` (ScriptBundle or image facts), their declared workflow outputs,
 * and absolute paths on their command lines (an output directory given as a flag). A written path
 * covers the served one when either contains the other.
 * Severity: an error when every step writing the claim is described and none writes there (the
 * facts say so); a warning when no step writes the claim at all (it may be filled outside the
 * workflow: declare it with `withExternals(target, { claims: ['ns/claim'] })`) or a writer runs a
 * program nobody described. Only `pvc://` URIs are judged (object stores are filled out of sight).
 */
export const servedModelWritten: SemanticRule = {
  id: 'served-model-written',
  summary: 'an InferenceService a workflow creates serves a pvc:// path a step of that workflow writes',
  check(ctx: CheckContext): void {
    const templates = ctx.index.podTemplates();
    for (const isvc of ctx.index.ofKind('serving.kserve.io/InferenceService')) {
      if (!isvc.embeddedIn) continue;
      const { uri, field } = storageUriOf(isvc.object);
      const m = /^pvc:\/\/([^/]+)\/?(.*)$/.exec(uri ?? '');
      if (!m) continue;
      const [, claim, served] = m;
      if ((ctx.target?.externals?.claims ?? []).includes(`${isvc.namespace}/${claim}`)) continue;
      const writers = templates.filter((t) => workflowOf(t.entry) === isvc.embeddedIn && !SERVING_KINDS.has(t.entry.object.kind));
      const found = writers.flatMap((t) => writesToClaim(ctx, t, claim));
      if (!found.length) {
        ctx.report({ entry: isvc, field, value: uri, severity: 'warning', message: `no step of workflow '${isvc.embeddedIn}' mounts claim '${claim}' writable, so nothing this workflow runs puts a model at '${served || '/'}'; the predictor only starts if it is there already. Write it in a step (mount the claim, declare the program's writes), or declare the claim as filled outside: withExternals(target, { claims: ['${isvc.namespace}/${claim}'] })` });
        continue;
      }
      if (found.some((w) => w.paths.some((p) => covers(p, served)))) continue;
      const unknown = found.filter((w) => !w.described);
      const written = [...new Set(found.flatMap((w) => w.paths))].map((p) => `'${p || '/'}'`);
      ctx.report({
        entry: isvc, field, value: uri, severity: unknown.length ? 'warning' : 'error',
        message: `serves '${served || '/'}' of claim '${claim}', but the steps writing that claim write ${written.join(', ') || 'nothing they declare'} there (${found.map((w) => w.who).join('; ')})${unknown.length ? `, and ${unknown.map((w) => w.who).join(', ')} run(s) a program nobody described` : ''}: the predictor finds no model and never becomes Ready; serve the path the training step writes, or make it write there`,
      });
    }
  },
};

/** The predictor's `storageUri` (the `model` form, else a legacy framework field) and its field path. */
function storageUriOf(isvc: Record<string, any>): { uri?: string; field: string } {
  const predictor = isvc.spec?.predictor ?? {};
  if (predictor.model?.storageUri) return { uri: predictor.model.storageUri, field: 'spec.predictor.model.storageUri' };
  for (const [k, v] of Object.entries(predictor)) {
    if (v && typeof v === 'object' && typeof (v as Record<string, any>).storageUri === 'string') return { uri: (v as Record<string, any>).storageUri, field: `spec.predictor.${k}.storageUri` };
  }
  return { field: 'spec.predictor.model.storageUri' };
}

/** The construct path of the workflow a pod template runs in (its own step, or an object a step creates). */
function workflowOf(e: ManifestEntry): string | undefined {
  if (e.embeddedIn) return e.embeddedIn;
  return workflowSpecOf(e) ? e.path.slice(0, e.path.lastIndexOf('/')) : undefined;
}

/** A container writing a claim: the claim-relative paths it writes and whether its program is described. */
interface ClaimWrites {
  readonly who: string;
  readonly paths: string[];
  readonly described: boolean;
}

function writesToClaim(ctx: CheckContext, t: PodTemplate, claim: string): ClaimWrites[] {
  const volumes = new Set((t.spec.volumes ?? []).filter((v: Record<string, any>) => v.persistentVolumeClaim?.claimName === claim && !v.persistentVolumeClaim.readOnly).map((v: Record<string, any>) => v.name));
  const out: ClaimWrites[] = [];
  for (const c of containersOf(t.spec)) {
    const mounts: string[] = (c.volumeMounts ?? []).filter((vm: Record<string, any>) => volumes.has(vm.name) && !vm.readOnly).map((vm: Record<string, any>) => String(vm.mountPath).replace(/\/$/, ''));
    if (!mounts.length) continue;
    const cwd: string = c.workingDir ?? factsOfImage(ctx.target, String(c.image))?.workdir ?? '/';
    const script = scriptsRunBy(c)[0];
    const facts = script ? programFactsAt(ctx, t, c, resolvePath(script, cwd)) : undefined;
    const outputs = [...(t.outputs?.parameters ?? []).map((p: Record<string, any>) => p.valueFrom?.path), ...(t.outputs?.artifacts ?? []).map((a: Record<string, any>) => a.path)];
    const argvPaths = argvOf(c).flatMap((a) => a.split('=')).filter((a) => a.startsWith('/'));
    const absolute = [...(facts?.writes ?? []).map((w) => resolvePath(w, cwd)), ...outputs.filter((p): p is string => typeof p === 'string'), ...argvPaths];
    const paths = absolute.flatMap((p) => mounts.filter((m) => p === m || p.startsWith(`${m}/`)).map((m) => p.slice(m.length + 1).replace(/\/$/, '')));
    out.push({ who: `${t.entry.path} ${t.role} container '${c.name}'`, paths, described: facts !== undefined });
  }
  return out;
}

/** True when one claim-relative path contains the other (a written directory, or a file inside the served one). */
function covers(written: string, served: string): boolean {
  const a = written.replace(/^\/+|\/+$/g, '');
  const b = served.replace(/^\/+|\/+$/g, '');
  return a === b || a === '' || b === '' || b.startsWith(`${a}/`) || a.startsWith(`${b}/`);
}
