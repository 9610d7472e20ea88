/**
 * Metric names a PromQL expression reads, from a small tokenizer rather than a full parser.
 * Grammar followed (Prometheus docs "Querying basics", "Operators", "Functions", v2/v3):
 * - a metric name is `[a-zA-Z_:][a-zA-Z0-9_:]*`; a selector is a name, optionally followed by
 *   `{label matchers}`, a `[range]` and `offset`/`@` modifiers, or only `{__name__="x", ...}`;
 * - an identifier followed by `(` is a function or aggregation (`rate(`, `sum(`); an aggregation
 *   may take its `by`/`without` clause first (`sum by (a) (x)`);
 * - the parenthesised lists after `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`
 *   hold label names, not metrics;
 * - `and`, `or`, `unless`, `bool`, `offset`, `atan2` are keywords; `inf`/`nan` are numbers;
 * - strings ("...", '...', `...`) and numbers/durations hold no names.
 * Not handled (no chart uses them): regular-expression `__name__` matchers (`=~`) are skipped.
 */

/** Thrown for an expression the tokenizer cannot read (unbalanced brackets, unterminated string). */
export class PromQlSyntaxError extends Error {}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const IDENT_START = /[a-zA-Z_:]/;
const IDENT_PART = /[a-zA-Z0-9_:]/;

/** Index just after the bracket closing the one at `open` (strings inside are skipped). */
function skipBracket(expr: string, open: number): number {
  const close = { '{': '}', '[': ']', '(': ')' }[expr[open] as '{' | '[' | '('];
  let depth = 0;
  for (let i = open; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(expr, i) - 1;
    else if (c === expr[open]) depth++;
    else if (c === close && --depth === 0) return i + 1;
  }
  throw new PromQlSyntaxError(`'${expr[open]}' at ${open} is never closed`);
}

/** Index just after the string starting at `start`. */
function skipString(expr: string, start: number): number {
  const quote = expr[start];
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === '\\' && quote !== '`') i++;
    else if (expr[i] === quote) return i + 1;
  }
  throw new PromQlSyntaxError(`string at ${start} is never closed`);
}

/** `__name__="x"` inside a `{...}` matcher block, if any. */
function nameMatcher(block: string): string | undefined {
  return /(?:^|[{,\s])__name__\s*=\s*(["'`])([a-zA-Z_:][a-zA-Z0-9_:]*)\1/.exec(block)?.[2];
}

const nextNonSpace = (expr: string, i: number): number => {
  while (i < expr.length && /\s/.test(expr[i])) i++;
  return i;
};

/** Metric names a PromQL expression selects, in order of appearance, without duplicates. */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  let depth = 0;
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '(' || c === ')') {
      depth += c === '(' ? 1 : -1;
      if (depth < 0) throw new PromQlSyntaxError(`')' at ${i} closes nothing`);
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
    } else if (c === '{') {
      // A selector without a metric name: `{__name__="x", job="y"}`.
      const end = skipBracket(expr, i);
      const name = nameMatcher(expr.slice(i, end));
      if (name) names.add(name);
      i = end;
    } else if (c === '[') {
      i = skipBracket(expr, i); // range or subquery duration
    } else if (/[0-9.]/.test(c)) {
      // numbers, durations (5m, 1h30m), hex and exponents
      while (i < expr.length && /[0-9a-zA-Z_.]/.test(expr[i])) i++;
    } else if (IDENT_START.test(c)) {
      let end = i + 1;
      while (end < expr.length && IDENT_PART.test(expr[end])) end++;
      const word = expr.slice(i, end);
      const after = nextNonSpace(expr, end);
      const lower = word.toLowerCase();
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        // `by (a, b)`; group_left may come without a list.
        i = expr[after] === '(' ? skipBracket(expr, after) : after;
      } else if (lower === 'offset') {
        i = after;
        if (expr[i] === '-') i++;
        while (i < expr.length && /[0-9a-zA-Z]/.test(expr[i])) i++;
      } else if (expr[after] === '(' || KEYWORDS.has(lower) || (AGGREGATIONS.has(lower) && /^(by|without)\b/i.test(expr.slice(after)))) {
        i = end; // function, aggregation or keyword: its arguments are read in turn
      } else {
        names.add(word);
        i = expr[after] === '{' ? skipBracket(expr, after) : end;
      }
    } else {
      i++;
    }
  }
  if (depth !== 0) throw new PromQlSyntaxError(`${depth} '(' never closed`);
  return [...names];
}
