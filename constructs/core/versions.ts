/**
 * The Kubernetes release the platform targets: the schema the tests validate core kinds against,
 * the Pod Security Standard version namespaces pin, and the kube-apiserver CI builds.
 * Operator versions live in stacks/ (one pinned map); this is the one for Kubernetes itself.
 */
export const KUBERNETES_VERSION = '1.36.3';
export const KUBERNETES_MINOR = KUBERNETES_VERSION.split('.').slice(0, 2).join('.');
