import { Yaml } from 'cdk8s';

/** Thrown inside `YamlWriter` for input it leaves to the yaml library. */
const UNSUPPORTED = Symbol('unsupported');
/**
 * Strings the yaml library writes plain when YAML 1.1 does not read them as another type: no
 * indicator first, no space or colon first or last, no `: ` or `- ` (nor `#`, quotes, `\\`, tabs,
 * non-ASCII) anywhere.
 */
const PLAIN_CHARS = /^[A-Za-z0-9_./+=()$-](?:[A-Za-z0-9_./+=()$ ,:-]*[A-Za-z0-9_./+=()$-])?$/;
/** Supersets of the YAML 1.1 booleans, nulls and exponent floats (`yes`, `N`, `null`, `e5`, `1e3`). */
const YAML11_WORD = /^(?:y|yes|n|no|true|false|on|off|null)$/i;
const YAML11_EXP_FLOAT = /^[-+]?[0-9._]*[eE][-+]?[0-9]+$/;
/** Supersets of YAML 1.1 ints (bin, oct, dec, hex), floats, .inf/.nan and dates, for strings starting like a number. */
const YAML11_NUMBER = /^[-+]?(?:[0-9._]+|0[bBxX][0-9a-fA-F_]+|\.(?:inf|nan))$/i;
const YAML11_DATE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$/;

/** True when `s` might be read as a non-string by YAML 1.1 (then the yaml library decides its quoting). */
function maybeNotString(s: string): boolean {
  if (YAML11_WORD.test(s) || YAML11_EXP_FLOAT.test(s)) return true;
  const c = s.charCodeAt(0);
  const numberLike = (c >= 48 && c <= 57) || s[0] === '-' || s[0] === '+' || s[0] === '.';
  // Sexagesimal ints/floats and timestamps contain ':' or ' ': any number-like string with them is left to the library.
  return numberLike && (s.includes(':') || s.includes(' ') || YAML11_NUMBER.test(s) || YAML11_DATE.test(s));
}

/** Certainly written plain (else the yaml library is asked). */
const certainlyPlain = (s: string): boolean =>
  PLAIN_CHARS.test(s) && !s.includes(': ') && !s.startsWith('- ') && s !== '-' && !DOCUMENT_MARKER.test(s) && !maybeNotString(s);
/** Document markers change how the yaml library writes a string at the top level; left to it. */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * Writes manifests exactly as cdk8s `Yaml.stringify` does (yaml 1.1 schema, block style, sequences
 * indented, no line folding), ~8x faster: the yaml library builds a node tree per document and
 * visits it several times, which was ~70% of synth time at 10k objects (bench/results).
 *
 * Byte-identical by construction: it writes only the block structure (maps, sequences, `{}`, `[]`)
 * and scalars whose text it knows; a string's text comes from the yaml library itself (once per
 * distinct string) unless it is certainly plain. Anything else (multi-line keys or list items,
 * nested sequences, long keys, non-JSON values) sends the whole document to `Yaml.stringify`.
 * `test/constructs/app/platform-app.test.ts` compares both on tricky inputs.
 */
export class YamlWriter {
  /** The scalar text of each distinct string seen, or '' when its document goes to the yaml library. */
  private readonly strings = new Map<string, string>();
  /** The literal block (header and lines at indent 0) of each multi-line map value, or ''. */
  private readonly blocks = new Map<string, string>();

  /** Pieces of the document being written, joined once: `+=` would build ropes that cost more to flatten at write time than writing. */
  private parts: string[] = [];

  /** `Yaml.stringify(...docs)`. */
  public stringify(docs: readonly unknown[]): string {
    return docs.map((doc) => this.document(doc)).join('---\n');
  }

  private document(doc: unknown): string {
    if (!isPlainObject(doc) || Object.keys(doc).length === 0) return Yaml.stringify(doc);
    this.parts = [];
    try {
      this.entries(doc, '', false);
      return this.parts.join('');
    } catch (e) {
      if (e === UNSUPPORTED) return Yaml.stringify(doc);
      throw e;
    } finally {
      this.parts = [];
    }
  }

  /** The entries of a non-empty map at `indent`; the first continues the current line when `inline`. */
  private entries(map: Record<string, unknown>, indent: string, inline: boolean): void {
    let first = true;
    for (const key of Object.keys(map)) {
      // The yaml library writes keys over 1024 characters as explicit `? key` entries.
      if (key.length > 1000) throw UNSUPPORTED;
      if (!(first && inline)) this.parts.push(indent);
      this.parts.push(this.string(key), ':');
      this.value(map[key], indent);
      first = false;
    }
  }

  /** What follows `key:`, through the end of the line or block. */
  private value(v: unknown, indent: string): void {
    if (Array.isArray(v)) {
      if (!v.length) this.parts.push(' []\n');
      else {
        this.parts.push('\n');
        this.items(v, `${indent}  `);
      }
    } else if (isPlainObject(v)) {
      if (!Object.keys(v).length) this.parts.push(' {}\n');
      else {
        this.parts.push('\n');
        this.entries(v, `${indent}  `, false);
      }
    } else if (typeof v === 'string' && v.includes('\n')) {
      this.parts.push(this.blockValue(v, indent));
    } else {
      this.parts.push(' ', this.scalar(v), '\n');
    }
  }

  /**
   * A multi-line string as a map value (embedded manifests, scripts): the yaml library's literal
   * block for it under a top-level key, re-indented. Its lines depend on the indent only by the
   * prefix (no folding at lineWidth 0; empty lines stay empty); anything else is left to the library.
   */
  private blockValue(v: string, indent: string): string {
    let text = this.blocks.get(v);
    if (text === undefined) {
      const doc = Yaml.stringify({ x: v });
      text = /^x: \|[1-9]?[-+]?\n/.test(doc) ? doc.slice(2) : '';
      this.blocks.set(v, text);
    }
    if (!text) throw UNSUPPORTED;
    if (!indent) return text;
    const [header, ...lines] = text.slice(0, -1).split('\n');
    return `${header}\n${lines.map((line) => (line ? `${indent}${line}` : line)).join('\n')}\n`;
  }

  private items(seq: readonly unknown[], indent: string): void {
    for (const item of seq) {
      this.parts.push(indent, '- ');
      if (Array.isArray(item)) {
        if (item.length) throw UNSUPPORTED;
        this.parts.push('[]\n');
      } else if (isPlainObject(item)) {
        if (Object.keys(item).length) this.entries(item, `${indent}  `, true);
        else this.parts.push('{}\n');
      } else {
        this.parts.push(this.scalar(item), '\n');
      }
    }
  }

  private scalar(v: unknown): string {
    if (typeof v === 'string') return this.string(v);
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
      const json = JSON.stringify(v);
      if (Number.isFinite(v) && !Number.isInteger(v) && !/e/i.test(json)) return json;
    }
    throw UNSUPPORTED;
  }

  private string(s: string): string {
    // Keys and values repeat a lot (`name`, `IfNotPresent`): decide once per distinct string.
    let text = this.strings.get(s);
    if (text === undefined) {
      text = certainlyPlain(s) ? s : libraryText(s);
      this.strings.set(s, text);
    }
    if (!text) throw UNSUPPORTED;
    return text;
  }
}

/** The yaml library's text for a one-line string, or '' when it writes more than one line. */
function libraryText(s: string): string {
  // A one-line string is written the same at the top level and inside a block (no folding at
  // lineWidth 0), except for document markers, which are excluded.
  const doc = DOCUMENT_MARKER.test(s) ? '' : Yaml.stringify(s);
  return doc.indexOf('\n') === doc.length - 1 ? doc.slice(0, -1) : '';
}
