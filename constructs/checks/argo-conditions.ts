/**
 * Argo resource-template conditions (`successCondition`, `failureCondition`). Argo parses them with
 * Kubernetes' label-selector parser (`labels.ParseToRequirements`) and reads each key as a gjson
 * path of the object (argo-workflows workflow/executor/resource.go, v3.4+/v4): requirements are
 * comma-separated; operators `=`, `==`, `!=`, `in (a, b)`, `notin (a, b)`, `>`, `<`, a bare key
 * (exists) and `!key` (absent); array elements are path segments (`status.jobsStatus.0.failed`).
 * A path that does not exist never matches, so a wrong path makes the step wait forever.
 */

/** Operators of a requirement. */
export type ConditionOperator = '=' | '!=' | 'in' | 'notin' | '>' | '<' | 'exists' | '!';

/** One requirement: `path operator values`. */
export interface ConditionRequirement {
  readonly path: string;
  readonly operator: ConditionOperator;
  readonly values: readonly string[];
}

/** Thrown for text the label-selector parser would refuse. */
export class ConditionSyntaxError extends Error {}

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
// Label values: empty, or up to 63 alphanumerics with -_. inside (k8s.io/apimachinery validation).
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  // The selector parser validates keys as label keys: the name part is at most 63 characters.
  if (!KEY.test(key) || key.length > 63) throw new ConditionSyntaxError(`'${key}' is not a valid selector key (a dotted path of at most 63 characters)`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) throw new ConditionSyntaxError(`'${value}' is not a valid selector value (at most 63 letters, digits, '-', '_', '.')`);
  return value;
}

/** Parses a condition into its requirements; throws `ConditionSyntaxError` on bad syntax. */
export function parseCondition(condition: string): ConditionRequirement[] {
  if (!condition.trim()) return [];
  return splitTopLevel(condition).map((part) => {
    if (part.startsWith('!')) return { path: checkKey(part.slice(1).trim()), operator: '!' as const, values: [] };
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (set) {
      const values = set[3].split(',').map((v) => checkValue(v.trim()));
      if (!values.length || values.some((v) => v === '')) throw new ConditionSyntaxError(`'${part}' has an empty value in its set`);
      return { path: checkKey(set[1]), operator: set[2] as 'in' | 'notin', values };
    }
    const cmp = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(part);
    if (cmp) {
      const operator = cmp[2] === '==' ? '=' : (cmp[2] as '=' | '!=' | '>' | '<');
      const value = checkValue(cmp[3].trim());
      if ((operator === '>' || operator === '<') && !/^-?\d+$/.test(value)) {
        throw new ConditionSyntaxError(`'${part}': '${operator}' compares integers, '${value}' is not one`);
      }
      return { path: checkKey(cmp[1]), operator, values: [value] };
    }
    if (/^\S+$/.test(part)) return { path: checkKey(part), operator: 'exists' as const, values: [] };
    throw new ConditionSyntaxError(`'${part}' is not a requirement (use 'path = value', 'path in (a, b)', 'path > 0', 'path' or '!path')`);
  });
}
