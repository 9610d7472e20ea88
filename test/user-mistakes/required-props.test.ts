import { Size } from 'cdk8s';
import { PropError } from '../../constructs/core/errors';
import {
  arrayOf, either, instanceOf, like, oneOf, optional, PropChecks, recordOf, requireProps, requireValue, shape,
} from '../../constructs/core/required-props';

// The helper every construct calls first: what it accepts, and the message for what it does not.

enum Color { RED = 'red', BLUE = 'blue' }

interface Inner {
  readonly size: Size;
  readonly note?: string;
}

interface Props {
  readonly name: string;
  readonly count: number;
  readonly color?: Color;
  readonly tags?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly inner?: Inner;
  readonly handle?: { readonly id: string; run(): void };
  readonly ref?: string | Size;
}

const CHECKS: PropChecks<Props> = {
  name: 'string',
  count: 'number',
  color: optional(oneOf(Color, 'Color')),
  tags: optional(arrayOf('string')),
  labels: optional(recordOf('string')),
  inner: optional(shape<Inner>({ size: instanceOf(Size, 'Size.gibibytes(n)'), note: optional('string') }, 'an inner ({ size, note })')),
  handle: optional(like<{ id: string; run(): void }>({ id: 'string', run: 'function' }, 'a handle (makeHandle())')),
  ref: optional(either('a string or a Size', 'string', Size)),
};

const where = { kind: 'Widget', path: 'chart/widget' };

function messageOf(props: unknown): string {
  try {
    requireProps(where, props as Props, CHECKS);
  } catch (e) {
    expect(e).toBeInstanceOf(PropError);
    return (e as Error).message;
  }
  throw new Error('expected a PropError');
}

describe('requireProps', () => {
  test('accepts valid props, optional ones left out or given', () => {
    expect(() => requireProps(where, { name: 'a', count: 1 }, CHECKS)).not.toThrow();
    const full: Props = {
      name: 'a', count: 0, color: Color.BLUE, tags: ['x'], labels: { k: 'v' }, inner: { size: Size.gibibytes(1) }, handle: { id: 'h', run: () => undefined }, ref: Size.mebibytes(1),
    };
    expect(() => requireProps(where, full, CHECKS)).not.toThrow();
  });

  test('a missing required prop names the construct, the prop and what to give', () => {
    expect(messageOf({ count: 1 })).toBe("Widget 'chart/widget': prop 'name' is undefined; it is required: give a string");
  });

  test('a wrong type says what was given and what is allowed', () => {
    expect(messageOf({ name: 'a', count: '3' })).toBe("Widget 'chart/widget': prop 'count' is '3'; use a number, not a string");
    expect(messageOf({ name: 'a', count: Number.NaN })).toMatch(/prop 'count' is NaN; use a number, not NaN/);
    expect(messageOf({ name: 'a', count: 1, color: 'green' })).toMatch(/prop 'color' is 'green'; use one of Color \("red", "blue"\) or leave it unset, not a string/);
  });

  test('nested props are named by their path', () => {
    expect(messageOf({ name: 'a', count: 1, tags: ['x', 2] })).toMatch(/prop 'tags\[1\]' is 2; use a string, not a number/);
    expect(messageOf({ name: 'a', count: 1, labels: { team: true } })).toMatch(/prop 'labels.team' is true; use a string, not a boolean/);
    expect(messageOf({ name: 'a', count: 1, inner: { size: 10 } })).toMatch(/prop 'inner.size' is 10; use a Size \(Size.gibibytes\(n\)\), not a number/);
    expect(messageOf({ name: 'a', count: 1, inner: {} })).toMatch(/prop 'inner.size' is undefined; it is required: give a Size/);
  });

  test('an interface-like value missing a member is refused whole', () => {
    expect(messageOf({ name: 'a', count: 1, handle: { id: 'h' } })).toMatch(/prop 'handle' is '\{"id":"h"\}'; use a handle \(makeHandle\(\)\) or leave it unset, not a plain object/);
  });

  test('either accepts any of its alternatives', () => {
    expect(() => requireProps(where, { name: 'a', count: 1, ref: 'x' }, CHECKS)).not.toThrow();
    expect(messageOf({ name: 'a', count: 1, ref: 3 })).toMatch(/prop 'ref' is 3; use a string or a Size or leave it unset, not a number/);
  });

  test('a misspelled prop is named with the prop it resembles, before the missing one', () => {
    expect(messageOf({ nmae: 'a', count: 1 })).toBe("Widget 'chart/widget': prop 'nmae' is 'a'; there is no such prop; did you mean 'name'?");
    expect(messageOf({ name: 'a', count: 1, labelz: {} })).toMatch(/prop 'labelz' is '\{\}'; there is no such prop; did you mean 'labels'\?/);
    expect(messageOf({ name: 'a', count: 1, inner: { size: Size.gibibytes(1), ntoe: 'x' } })).toMatch(/prop 'inner.ntoe' .*did you mean 'inner.note'\?/);
    // Unrelated extra keys (a spread of a wider object) are left alone.
    expect(() => requireProps(where, { name: 'a', count: 1, somethingElse: 1 } as Props, CHECKS)).not.toThrow();
  });

  test('props that are not an object list the required props', () => {
    expect(messageOf(undefined)).toBe("Widget 'chart/widget': prop 'props' is undefined; pass a props object with name, count");
    expect(messageOf('name')).toMatch(/prop 'props' is 'name'; pass a props object/);
  });

  test('a table entry left undefined (an import cycle) is an internal error, not a silent pass', () => {
    const broken = { ...CHECKS, name: undefined } as unknown as PropChecks<Props>;
    expect(() => requireProps(where, { name: 'a', count: 1 }, broken)).toThrow(/internal: no run-time check for prop 'name'/);
  });

  test('functions and long objects are summarized in messages', () => {
    expect(messageOf({ name: function make() { return 'x'; }, count: 1 })).toMatch(/prop 'name' is '\[function make\]'; use a string, not a function/);
    const long = { a: 'x'.repeat(200) };
    const message = messageOf({ name: long, count: 1 });
    expect(message).toMatch(/prop 'name' is '\{"a":"x+\.\.\.'; use a string, not a plain object/);
    expect(message.length).toBeLessThan(200);
  });
});

describe('requireValue', () => {
  test('checks one positional argument', () => {
    expect(() => requireValue('Thing', 'path', '/x', 'string')).not.toThrow();
    expect(() => requireValue('Thing', 'path', undefined, 'string')).toThrow("'Thing': prop 'path' is undefined; it is required: give a string");
    expect(() => requireValue('Thing', 'path', undefined, optional('string'))).not.toThrow();
  });
});
