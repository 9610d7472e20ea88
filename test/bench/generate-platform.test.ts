import { ApiObject } from 'cdk8s';
import { FIXED_OBJECTS_PER_TEAM, generatePlatform, objectsPerTeam, teamsFor } from '../../bench/generate-platform';
import { PlatformApp } from '../../constructs/app/platform-app';
import { formatViolations, validateObjects } from '../validation/validator';
import { byKindName, ofKind } from '../helpers';

describe('generatePlatform (benchmark workload)', () => {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const reported = generatePlatform(app, { teams: 2, jobsPerTeam: 3 });
  const manifests = app.synthManifests();
  const objects = manifests.flatMap((m) => m.objects);

  test('emits one chart per team and exactly the object count it reports', () => {
    expect(manifests.map((m) => m.name)).toEqual(['team-0001', 'team-0002']);
    expect(reported).toBe(2 * objectsPerTeam(3));
    expect(objects).toHaveLength(reported);
    expect(app.node.findAll().filter((c) => c instanceof ApiObject)).toHaveLength(reported);
  });

  test('each team has its namespace, volume, gateway and one InferenceService per TFJob', () => {
    const team = manifests[1].objects;
    expect(byKindName(team, 'Namespace', 'team-0002').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(byKindName(team, 'PersistentVolumeClaim', 'models').metadata.namespace).toBe('team-0002');
    expect(ofKind(team, 'TFJob').map((o) => o.metadata.name)).toEqual(['train-0', 'train-1', 'train-2']);
    expect(ofKind(team, 'InferenceService')).toHaveLength(3);
    // 3 TFJobs, 3 InferenceServices and the NetworkPolicy each declares.
    expect(ofKind(team, 'NetworkPolicy')).toHaveLength(2 + 6);
    expect(team).toHaveLength(FIXED_OBJECTS_PER_TEAM + 12);
  });

  test('every object passes schema validation', () => {
    expect(formatViolations(validateObjects('generated-platform', objects))).toBe('');
  });

  test('teamsFor rounds a target object count to whole teams', () => {
    // 16 objects per team of 2 jobs (8 fixed, 4 per job).
    expect(teamsFor(1000)).toBe(63);
    expect(teamsFor(10000, 2)).toBe(625);
    expect(teamsFor(3, 2)).toBe(1);
  });

  test('fails when teams is not a positive integer', () => {
    expect(() => generatePlatform(new PlatformApp({ outdir: '/nonexistent' }), { teams: 0 })).toThrow(/prop 'teams' is 0/);
  });
});
