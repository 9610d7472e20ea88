/** The single, lazily created ajv instance (custom formats/keywords + the core k8s schema). */
import Ajv from 'ajv';
import { FORMATS, LIST_MAP_KEYWORD, listMapKeysValidator } from './ajv-keywords';
import { convertedK8sSchema } from './k8s-schema';

let ajvInstance: Ajv | undefined;

export function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv({
    strict: false, // tolerate annotations like `default`, `example`
    allErrors: true, // report every problem of an object, not only the first
    validateFormats: true,
    // Go (RE2) patterns: accept them without the `u` flag quirks; none of the current CRDs need it
    unicodeRegExp: false,
    code: { optimize: false },
  });
  for (const [name, re] of Object.entries(FORMATS)) a.addFormat(name, re);
  a.addKeyword({
    keyword: LIST_MAP_KEYWORD,
    type: 'array',
    schemaType: 'object',
    errors: true,
    validate: listMapKeysValidator(),
  });
  a.addSchema(convertedK8sSchema());
  ajvInstance = a;
  return a;
}

/** The ajv instance if it has been created already (does not create it). */
export function loadedAjv(): Ajv | undefined {
  return ajvInstance;
}
