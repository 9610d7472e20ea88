/**
 * Custom ajv formats and keywords used by the converted schemas: the formats that are checked,
 * the resource.Quantity pattern, and the `k8sListMapKeys` keyword (x-kubernetes-list-map-keys).
 */
import { ErrorObject } from 'ajv';
import { isPlainObject } from './schema-types';

/** Quantity regex used by the apiserver (and by controller-gen for resource.Quantity). */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** Formats we check. Every other format (int32, int64, double, int-or-string, ...) is dropped. */
export const FORMATS: Record<string, RegExp> = {
  // RFC 3339 (the apiserver parses metav1.Time with RFC3339)
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  // base64 (standard alphabet, padded) as used for []byte fields, e.g. Secret.data
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
};

/** Custom keyword checking uniqueness of list items by x-kubernetes-list-map-keys. */
export const LIST_MAP_KEYWORD = 'k8sListMapKeys';

interface ListMapKeysSchema {
  keys: string[];
  defaults: Record<string, unknown>;
}

export function listMapKeysValidator() {
  const fn = function (schema: ListMapKeysSchema, data: unknown[]): boolean {
    const seen = new Map<string, number>();
    const errors: Partial<ErrorObject>[] = [];
    data.forEach((item, i) => {
      if (!isPlainObject(item)) return;
      const key = schema.keys.map((k) => (item[k] !== undefined ? item[k] : schema.defaults[k]));
      const id = JSON.stringify(key);
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, i);
      } else {
        const desc = schema.keys.map((k, j) => `${k}=${JSON.stringify(key[j])}`).join(', ');
        // instancePath is filled in by ajv (the list); the index is appended in explain()
        errors.push({
          keyword: LIST_MAP_KEYWORD,
          message: `duplicate list entry (${desc}) also at index ${first}; keys: ${schema.keys.join(', ')}`,
          params: { index: i, first },
        });
      }
    });
    (fn as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
    return errors.length === 0;
  };
  return fn;
}
