import { ConditionSyntaxError, parseCondition } from '../../../constructs/checks/argo-conditions';

describe('Argo resource conditions (label-selector syntax over object paths)', () => {
  test('parses every operator Argo accepts', () => {
    expect(parseCondition('status.a = x, status.b == y, status.c != z, status.d in (p, q), status.e notin (r), status.f > 0, status.g < 3, status.h, !status.i')).toEqual([
      { path: 'status.a', operator: '=', values: ['x'] },
      { path: 'status.b', operator: '=', values: ['y'] },
      { path: 'status.c', operator: '!=', values: ['z'] },
      { path: 'status.d', operator: 'in', values: ['p', 'q'] },
      { path: 'status.e', operator: 'notin', values: ['r'] },
      { path: 'status.f', operator: '>', values: ['0'] },
      { path: 'status.g', operator: '<', values: ['3'] },
      { path: 'status.h', operator: 'exists', values: [] },
      { path: 'status.i', operator: '!', values: [] },
    ]);
  });

  test('array elements are path segments', () => {
    expect(parseCondition('status.jobsStatus.0.failed > 0')[0].path).toBe('status.jobsStatus.0.failed');
  });

  test.each([
    ['status.a > x', /compares integers/],
    ['status.a = (x)', /not a valid selector value/],
    ['status.a in ()', /not a valid selector value|empty value/],
    [`status.${'x'.repeat(70)} = 1`, /at most 63/],
    ['status.a = b c', /not a valid selector value/],
  ])('refuses %s', (text, message) => {
    expect(() => parseCondition(text)).toThrow(ConditionSyntaxError);
    expect(() => parseCondition(text)).toThrow(message);
  });
});
