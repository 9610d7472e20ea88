// The verdict over a rung's canaries (scripts/verify/core/canaries.ts): a canary that is not
// caught, or a run with fewer canaries than promised, fails the run and shows on its last line.
import { type CanaryResult, canariesHold, canaryLine, canaryReportLines, exitCodeWithCanaries, missedSuffix } from '../../../scripts/verify/core/canaries';

const caught = (name: string): CanaryResult => ({ name, proves: `${name} is refused`, caught: true, seen: 'refused' });
const notCaught = (name: string): CanaryResult => ({ name, proves: `${name} is refused`, caught: false, seen: 'accepted (HTTP 201)' });

describe('canary verdict', () => {
  test('all caught: the run keeps its exit code and its last line', () => {
    const results = [caught('a'), caught('b'), caught('c')];
    expect(canaryLine(results)).toBe('canaries: 3/3 caught');
    expect(canariesHold(results, 3)).toBe(true);
    expect(missedSuffix(results, 3)).toBe('');
    expect(exitCodeWithCanaries(0, results, 3)).toBe(0);
  });

  test('a canary that is not caught fails an otherwise clean run and is named', () => {
    const results = [caught('a'), notCaught('b'), caught('c')];
    expect(canaryLine(results)).toBe('canaries: 2/3 caught');
    expect(canariesHold(results, 3)).toBe(false);
    expect(exitCodeWithCanaries(0, results, 3)).toBe(1);
    expect(missedSuffix(results, 3)).toBe(', 1 canary not caught');
    expect(canaryReportLines(results)[1]).toBe('  MISSED b (would prove: b is refused): accepted (HTTP 201)');
  });

  test('fewer canaries than the minimum fail the run too', () => {
    const results = [caught('a')];
    expect(canariesHold(results, 2)).toBe(false);
    expect(exitCodeWithCanaries(0, results, 2)).toBe(1);
    expect(missedSuffix(results, 2)).toBe(', 1 canary not run');
    expect(exitCodeWithCanaries(0, [], 2)).toBe(1);
  });

  test('a run that already failed keeps its own exit code (2 = could not run)', () => {
    expect(exitCodeWithCanaries(2, [notCaught('a')], 1)).toBe(2);
    expect(exitCodeWithCanaries(1, [caught('a')], 1)).toBe(1);
  });
});
