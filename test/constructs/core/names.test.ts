import { labelProblem, nameProblem, NameRule, validateName } from '../../../constructs/core/names';

describe('nameProblem', () => {
  test.each([
    ['fashion-mnist', NameRule.DNS_LABEL, true],
    ['a.b.c', NameRule.DNS_SUBDOMAIN, true],
    ['a.b.c', NameRule.DNS_LABEL, false],
    ['Upper', NameRule.DNS_SUBDOMAIN, false],
    ['-lead', NameRule.DNS_LABEL, false],
    ['trail-', NameRule.DNS_LABEL, false],
    ['9start', NameRule.DNS_1035_LABEL, false],
    ['9start', NameRule.DNS_LABEL, true],
    ['x'.repeat(63), NameRule.DNS_LABEL, true],
    ['x'.repeat(64), NameRule.DNS_LABEL, false],
    ['under_score', NameRule.DNS_SUBDOMAIN, false],
  ])('%s as %s valid=%s', (name, rule, valid) => {
    expect(nameProblem(name, rule) === undefined).toBe(valid);
  });
});

describe('validateName', () => {
  test('fails naming the scope, prop and value', () => {
    expect(() => validateName('chart/job', 'name', 'Bad_Name')).toThrow(/'chart\/job': prop 'name' is 'Bad_Name'; must be lower-case/);
  });
});

describe('labelProblem', () => {
  test.each([
    ['app.kubernetes.io/name', 'fashion-mnist', true],
    ['team', 'a_b.c-d', true],
    ['bad key!', 'x', false],
    ['team', '-x', false],
    ['team', 'x'.repeat(64), false],
    ['Bad_Prefix.io/x', 'y', false],
  ])('%s=%s valid=%s', (key, value, valid) => {
    expect(labelProblem(key, value) === undefined).toBe(valid);
  });
});
