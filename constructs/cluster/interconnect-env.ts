import { GpuPoolSpec } from './gpu-pool-spec';

/**
 * The environment NCCL's network plugin and libfabric need in a GPU container of a pool to use its
 * interconnect, derived from the pool so that no job sets it by hand. Only what a stored source
 * confirms is set; each setting names its source.
 *
 * EFA (aws/aws-ofi-nccl doc/efa-env-var.md @518f4c6, "EFA Cheatsheet"; src/platform-aws.cpp @01666ec):
 * - `FI_PROVIDER=efa`: needed by aws-ofi-nccl <= 1.5.0 on EFA GPU instances; newer plugins select
 *   the efa provider themselves when it is unset and treat `efa` alike (platform_init), so it is
 *   harmless there.
 * - `FI_EFA_USE_DEVICE_RDMA=1`, only on types whose EFA does RDMA (p4d, p4de, p5): needed by
 *   aws-ofi-nccl 1.6.x there, "not harmful ... on p4/p5 instances with the newer software";
 *   "N/A" on EFA instances without RDMA (g5, g6, g4dn), so never set on those.
 *
 * Left out, on purpose: `NCCL_PROTO=simple` (only for aws-ofi-nccl <= 1.5.0; newer plugins force it
 * themselves only where the EFA endpoint lacks in-order delivery, and forcing it would turn off
 * LL/LL128 everywhere else), `FI_EFA_FORK_SAFE` (the plugin sets it itself: "not needed anymore"),
 * `RDMAV_FORK_SAFE` ("do not use"), `NCCL_BUFFSIZE` / `NCCL_P2P_NET_CHUNKSIZE` (the plugin sets them
 * per platform), and image paths (`LD_LIBRARY_PATH`, `NCCL_TUNER_PLUGIN`), which belong to the image.
 * An image with aws-ofi-nccl <= 1.5.0 also needs `NCCL_PROTO=simple`: set it in the job's `env`.
 *
 * GPUDirect-TCPX / TCPXO (GKE A3 High / Mega): none. NCCL's GPUDirect plugin there needs an RxDM
 * daemon sidecar (`tcpx-daemon` with NET_ADMIN; `tcpxo-daemon`), hostPath volumes for the plugin
 * libraries (/home/kubernetes/bin/nvidia/lib64) and the daemon's socket (/run/tcpx), and the pod
 * attached to the extra VPC networks (`networking.gke.io/interfaces`: eth1..eth4, TCPXO eth1..eth8)
 * (GoogleCloudPlatform/container-engine-accelerators gpudirect-tcpx/nccl-test-latest.yaml
 * @0e5609b, gpudirect-tcpxo/nccl-test-latest.yaml). The platform builds none of these, and Pod
 * Security `restricted` refuses NET_ADMIN and hostPath volumes: the plugin's variables alone would
 * name interfaces and libraries the pod does not have. GPUDirect pools run NCCL over plain TCP here.
 */
export function interconnectEnvOf(spec: GpuPoolSpec | undefined): Record<string, string> {
  if (spec?.interconnect.kind !== 'efa' || !spec.efaInterfaces) return {};
  return { FI_PROVIDER: 'efa', ...(spec.efaDeviceRdma ? { FI_EFA_USE_DEVICE_RDMA: '1' } : {}) };
}
