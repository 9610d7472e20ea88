import { describeEntry, ManifestEntry } from './manifest-entry';
import { formatValue } from '../core/errors';

/**
 * How sure a finding is. `error`: it will not work, read from our manifests or from an upstream
 * fact; synth fails. `warning`: it may not work, or the project cannot know (something made
 * outside the charts, an image nobody described); synth prints it and goes on, unless strict.
 */
export type Severity = 'error' | 'warning';

/** One thing that would not (or may not) work once the operators act on the manifests. */
export interface Problem {
  /** The object at fault. */
  readonly entry: ManifestEntry;
  /** Field path inside the object (`spec.templates[3].resource.successCondition`). */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** What goes wrong, and what would work. */
  readonly message: string;
  /** @default 'error' */
  readonly severity?: Severity;
  /** Id of the rule that found it (set by the runner). */
  readonly rule?: string;
}

/** `[path] Kind ns/name: field is 'value'; message`: construct path, object, field, value, fix. */
export function formatProblem(p: Problem): string {
  return `[${p.entry.path}] ${describeEntry(p.entry)}: ${p.field} is ${formatValue(p.value)}; ${p.message}`;
}
