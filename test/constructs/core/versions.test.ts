import * as fs from 'node:fs';
import * as path from 'node:path';
import { KUBERNETES_MINOR, KUBERNETES_VERSION } from '../../../constructs/core/versions';
import { OPERATOR_VERSIONS } from '../../../stacks/operators/versions';

const root = path.resolve(__dirname, '../../..');

// One Kubernetes release for the whole project: the PSA version namespaces pin, the OpenAPI
// schema the tests validate core kinds against, and the control plane CI builds.
describe('Kubernetes version pins agree', () => {
  test('tools/go/versions.env builds the same kube-apiserver/KCM/scheduler release', () => {
    const env = fs.readFileSync(path.join(root, 'tools/go/versions.env'), 'utf8');
    expect(/^KUBERNETES_VERSION=(\S+)$/m.exec(env)?.[1]).toBe(`v${KUBERNETES_VERSION}`);
  });

  test('the committed core schema comes from the same release, and it is the only one', () => {
    const file = path.join(root, `test/validation/k8s-v${KUBERNETES_VERSION}.schema.json`);
    const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(schema.source).toBe(`k8s.io/kubernetes@v${KUBERNETES_VERSION} api/openapi-spec/swagger.json`);
    const schemas = fs.readdirSync(path.join(root, 'test/validation')).filter((f) => /^k8s-v.*\.schema\.json$/.test(f));
    expect(schemas).toEqual([`k8s-v${KUBERNETES_VERSION}.schema.json`]);
  });

  test('the target minor is 1.36 and the operator map has a row for it', () => {
    expect(KUBERNETES_MINOR).toBe('1.36');
    expect(Object.keys(OPERATOR_VERSIONS)).toContain(KUBERNETES_MINOR);
  });
});
