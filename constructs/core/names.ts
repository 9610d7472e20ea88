import { propError, Where } from './errors';
import { requireValue } from './required-props';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kubernetes name rules, as the apiserver applies them (apimachinery validation). */
export enum NameRule {
  /** RFC 1123 subdomain: most object names (ConfigMap, Job, TFJob, ...). */
  DNS_SUBDOMAIN = 'DNS_SUBDOMAIN',
  /** RFC 1123 label: Namespace, container and port names, label-like names. */
  DNS_LABEL = 'DNS_LABEL',
  /** RFC 1035 label: Service names (and everything used as a DNS host name). */
  DNS_1035_LABEL = 'DNS_1035_LABEL',
}

/** Returns why `name` breaks `rule`, or undefined when it is valid. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case NameRule.DNS_LABEL:
      if (name.length > 63) return 'must be at most 63 characters';
      if (!DNS_LABEL.test(name)) return 'must be lower-case alphanumerics or "-", starting and ending with an alphanumeric (RFC 1123 label)';
      return undefined;
    case NameRule.DNS_1035_LABEL:
      if (name.length > 63) return 'must be at most 63 characters';
      if (!DNS_1035_LABEL.test(name)) return 'must be lower-case alphanumerics or "-", starting with a letter and ending with an alphanumeric (RFC 1035 label)';
      return undefined;
    case NameRule.DNS_SUBDOMAIN:
      if (name.length > 253) return 'must be at most 253 characters';
      if (!name.split('.').every((part) => DNS_LABEL.test(part))) {
        return 'must be lower-case alphanumerics, "-" or ".", each dot-separated part starting and ending with an alphanumeric (RFC 1123 subdomain)';
      }
      return undefined;
  }
}

/** Throws a prop error naming the construct when `name` breaks `rule`; returns it otherwise. */
export function validateName(scope: Where, prop: string, name: string, rule = NameRule.DNS_SUBDOMAIN): string {
  requireValue(scope, prop, name, 'string');
  const problem = nameProblem(name, rule);
  if (problem) throw propError(scope, prop, name, problem);
  return name;
}

/** Returns why a label (key, value) pair is invalid, or undefined. */
export function labelProblem(key: string, value: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && nameProblem(prefix, NameRule.DNS_SUBDOMAIN)) return `label key '${key}' has an invalid prefix`;
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return `label key '${key}' is not a qualified name`;
  if (value.length > 63 || !LABEL_VALUE.test(value)) return `label value '${value}' of '${key}' must be at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  return undefined;
}

/** Throws when any label in `labels` is invalid. */
export function validateLabels(scope: Where, prop: string, labels: Readonly<Record<string, string>>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelProblem(key, value);
    if (problem) throw propError(scope, prop, labels, problem);
  }
  return { ...labels };
}
