import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';

/** Non-root UID/GID used when an image does not declare a non-root user itself. */
export const NON_ROOT_ID = 1000;

/**
 * Container security context meeting the Pod Security Standard `restricted`:
 * non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.
 * `runAsUser` is set explicitly because many ML images (TensorFlow, PyTorch) default to root,
 * which `runAsNonRoot` alone would refuse to start.
 */
export function restrictedContainerSecurityContext(options: { readOnlyRootFilesystem?: boolean } = {}): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? false,
    runAsNonRoot: true,
    runAsUser: NON_ROOT_ID,
    runAsGroup: NON_ROOT_ID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod security context for `restricted`; `fsGroup` makes mounted volumes writable for the non-root user. */
export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: NON_ROOT_ID,
    runAsGroup: NON_ROOT_ID,
    fsGroup: NON_ROOT_ID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
