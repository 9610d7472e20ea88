import * as fs from 'node:fs';
import * as path from 'node:path';
import { KUBERNETES_VERSION } from '../../../constructs/core/versions';

const root = path.resolve(__dirname, '../../..');

// One Kubernetes release for the whole project: the PSA version namespaces pin, the OpenAPI
// schema the tests validate core kinds against, and the kube-apiserver CI builds.
describe('Kubernetes version pins agree', () => {
  test('tools/apiserver/versions.env builds the same release', () => {
    const env = fs.readFileSync(path.join(root, 'tools/apiserver/versions.env'), 'utf8');
    expect(/^KUBERNETES_VERSION=(\S+)$/m.exec(env)?.[1]).toBe(`v${KUBERNETES_VERSION}`);
  });

  test('the committed core schema comes from the same release', () => {
    const file = path.join(root, `test/validation/k8s-v${KUBERNETES_VERSION}.schema.json`);
    const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(schema.source).toBe(`k8s.io/kubernetes@v${KUBERNETES_VERSION} api/openapi-spec/swagger.json`);
  });
});
