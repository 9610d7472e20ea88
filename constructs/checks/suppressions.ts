import { IConstruct } from 'constructs';
import type { ManifestEntry, Suppression } from './manifest-entry';
import type { Problem } from './problem';
import { propError } from '../core/errors';

/**
 * Suppressions: a rule silenced, with a reason, for one object (an annotation on it) or for every
 * object of a construct scope (`Checks.suppress`). A suppressed finding is listed in the summary,
 * never dropped silently; a suppression that matches no finding is a warning (it outlived its
 * reason), and one without a reason or naming no rule is an error.
 */

/** `mlpatterns.dev/suppress.<rule-id>: <reason>` on an object suppresses that rule for it. */
export const SUPPRESS_ANNOTATION_PREFIX = 'mlpatterns.dev/suppress.';

/** Findings about suppressions themselves are reported under this id. */
export const SUPPRESSIONS_RULE = 'check-suppressions';

/** A finding a suppression silenced. */
export interface SuppressedFinding {
  readonly problem: Problem;
  readonly suppression: Suppression;
}

const METADATA_TYPE = 'mlpatterns.dev/check-suppression';
const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The code side of suppressions. */
export const Checks = {
  /**
   * Suppresses `rule` for every object under `scope` (its construct path and below, the objects
   * its workflows embed included). The reason is required: it is printed with every synth.
   * @throws naming the construct path when the rule id is malformed or the reason is empty.
   */
  suppress(scope: IConstruct, rule: string, reason: string): void {
    if (typeof rule !== 'string' || !RULE_ID.test(rule)) throw propError(scope, 'rule', rule, "name a semantic rule by its id, e.g. 'storage-placement' (constructs/checks/README.md lists them)");
    if (typeof reason !== 'string' || !reason.trim()) throw propError(scope, 'reason', reason, `say why '${rule}' does not apply here (e.g. 'the admin creates StorageClass gp3-encrypted'); it is printed with every synth`);
    scope.node.addMetadata(METADATA_TYPE, { rule, reason: reason.trim() });
  },
};

/** Every `Checks.suppress` in the tree under `root`, by the construct path of its scope. */
export function codeSuppressions(constructs: readonly IConstruct[]): Map<string, Suppression[]> {
  const byScope = new Map<string, Suppression[]>();
  for (const c of constructs) {
    for (const m of c.node.metadata) {
      if (m.type !== METADATA_TYPE) continue;
      const list = byScope.get(c.node.path) ?? [];
      list.push({ rule: m.data.rule, reason: m.data.reason, scope: c.node.path, via: 'Checks.suppress' });
      byScope.set(c.node.path, list);
    }
  }
  return byScope;
}

/** The code suppressions that cover an object at `path`: those of its scope and every scope above. */
export function suppressionsCovering(path: string, byScope: ReadonlyMap<string, readonly Suppression[]>): Suppression[] | undefined {
  if (!byScope.size) return undefined;
  const out: Suppression[] = [];
  for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) out.push(...(byScope.get(path.slice(0, end)) ?? []));
  out.push(...(byScope.get('') ?? []));
  return out.length ? out : undefined;
}

/** What applying the suppressions left: kept findings, silenced ones, and findings about suppressions. */
export interface SuppressionOutcome {
  readonly kept: Problem[];
  readonly suppressed: SuppressedFinding[];
  /** Each valid suppression with the number of findings it silenced. */
  readonly uses: { readonly suppression: Suppression; readonly findings: number }[];
}

/**
 * Silences the findings that a suppression of their object covers. `known`: every rule id the run
 * was given; `ran`: those that ran (a suppression of a skipped rule is not called unused).
 */
export function applySuppressions(entries: readonly ManifestEntry[], findings: readonly Problem[], known: ReadonlySet<string>, ran: ReadonlySet<string>): SuppressionOutcome {
  const kept: Problem[] = [];
  const byEntry = new Map<ManifestEntry, Map<string, Suppression>>();
  const firstEntry = new Map<Suppression, ManifestEntry>();
  const fieldOf = (s: Suppression) => (s.via === 'Checks.suppress' ? `Checks.suppress(scope '${s.scope}', '${s.rule}')` : `metadata.annotations['${s.via}']`);
  const invalid = (e: ManifestEntry, s: Suppression, message: string) => kept.push({ entry: e, field: fieldOf(s), value: s.reason, message, severity: 'error', rule: SUPPRESSIONS_RULE });
  for (const e of entries) {
    const annotations: Record<string, unknown> = e.object.metadata?.annotations ?? {};
    const own = Object.entries(annotations).filter(([k]) => k.startsWith(SUPPRESS_ANNOTATION_PREFIX))
      .map(([k, v]): Suppression => ({ rule: k.slice(SUPPRESS_ANNOTATION_PREFIX.length), reason: typeof v === 'string' ? v.trim() : '', scope: e.path, via: k }));
    const all = [...(e.suppressions ?? []), ...own];
    if (!all.length) continue;
    const map = new Map<string, Suppression>();
    for (const s of all) {
      const first = !firstEntry.has(s);
      if (first) firstEntry.set(s, e);
      if (!s.reason) {
        invalid(e, s, `a suppression needs a reason: say why '${s.rule}' does not apply to this object; it is printed with every synth`);
      } else if (!known.has(s.rule)) {
        if (first) invalid(e, s, `'${s.rule}' is no semantic rule (rules: ${[...known].join(', ')}), so it suppresses nothing; name the rule of the finding`);
      } else if (!map.has(s.rule)) {
        map.set(s.rule, s);
      }
    }
    byEntry.set(e, map);
  }
  const counts = new Map<Suppression, number>();
  const suppressed: SuppressedFinding[] = [];
  for (const p of findings) {
    const s = p.rule ? byEntry.get(p.entry)?.get(p.rule) : undefined;
    if (s) {
      suppressed.push({ problem: p, suppression: s });
      counts.set(s, (counts.get(s) ?? 0) + 1);
    } else {
      kept.push(p);
    }
  }
  const uses: SuppressionOutcome['uses'][number][] = [];
  for (const [s, e] of firstEntry) {
    if (!s.reason || !known.has(s.rule)) continue;
    const n = counts.get(s) ?? 0;
    uses.push({ suppression: s, findings: n });
    if (n === 0 && ran.has(s.rule)) {
      kept.push({
        entry: e, field: fieldOf(s), value: s.reason, severity: 'warning', rule: SUPPRESSIONS_RULE,
        message: `rule '${s.rule}' finds nothing ${s.via === 'Checks.suppress' ? `under '${s.scope}'` : 'on this object'}, so the suppression hides nothing and would hide the next real finding; remove it`,
      });
    }
  }
  return { kept, suppressed, uses };
}
