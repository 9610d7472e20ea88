import { Size } from 'cdk8s';
import { instanceOf, optional, requireValue, shape } from '../core/required-props';

/** Extended resource name NVIDIA's device plugin advertises on GPU nodes. */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * A GPU model a node pool can carry. Enum-like class: common presets as static members,
 * `Accelerator.custom()` for the rest. Cloud-specific names live here so a pool never types them.
 */
export class Accelerator {
  public static readonly NVIDIA_T4 = new Accelerator('nvidia-t4', Size.gibibytes(16), 'nvidia-tesla-t4', 'g4dn.xlarge');
  public static readonly NVIDIA_L4 = new Accelerator('nvidia-l4', Size.gibibytes(24), 'nvidia-l4', 'g6.xlarge');
  public static readonly NVIDIA_A10G = new Accelerator('nvidia-a10g', Size.gibibytes(24), undefined, 'g5.xlarge');
  public static readonly NVIDIA_A100_40GB = new Accelerator('nvidia-a100-40gb', Size.gibibytes(40), 'nvidia-tesla-a100', 'p4d.24xlarge');
  public static readonly NVIDIA_A100_80GB = new Accelerator('nvidia-a100-80gb', Size.gibibytes(80), 'nvidia-a100-80gb', 'p4de.24xlarge');
  public static readonly NVIDIA_H100_80GB = new Accelerator('nvidia-h100-80gb', Size.gibibytes(80), 'nvidia-h100-80gb', 'p5.48xlarge');

  /** Every preset, by name: used to resolve configuration strings (Pulumi config, CLI). */
  public static all(): readonly Accelerator[] {
    return [
      Accelerator.NVIDIA_T4, Accelerator.NVIDIA_L4, Accelerator.NVIDIA_A10G,
      Accelerator.NVIDIA_A100_40GB, Accelerator.NVIDIA_A100_80GB, Accelerator.NVIDIA_H100_80GB,
    ];
  }

  /** The preset called `name`, or undefined. */
  public static fromName(name: string): Accelerator | undefined {
    return Accelerator.all().find((a) => a.name === name);
  }

  /** Any other NVIDIA GPU. */
  public static custom(name: string, memory: Size, options: { gkeAcceleratorType?: string; awsInstanceType?: string } = {}): Accelerator {
    const where = { kind: 'Accelerator', path: String(name) };
    requireValue(where, 'name', name, 'string');
    requireValue(where, 'memory', memory, instanceOf(Size, 'Size.gibibytes(n): memory of one GPU'));
    requireValue(where, 'options', options, shape<{ gkeAcceleratorType?: string; awsInstanceType?: string }>({ gkeAcceleratorType: optional('string'), awsInstanceType: optional('string') }, 'options ({ gkeAcceleratorType, awsInstanceType })'));
    return new Accelerator(name, memory, options.gkeAcceleratorType, options.awsInstanceType);
  }

  private constructor(
    /** Short name, used as the node label value (`nvidia-l4`). */
    public readonly name: string,
    /** Memory of one GPU. */
    public readonly memory: Size,
    /** GKE `guestAccelerator.type`, where GKE offers it. */
    public readonly gkeAcceleratorType: string | undefined,
    /** Smallest EC2 instance type carrying it, where AWS offers it. */
    public readonly awsInstanceType: string | undefined,
  ) {}

  /** The extended resource name pods request (`nvidia.com/gpu`). */
  public get resourceName(): string {
    return NVIDIA_GPU_RESOURCE;
  }

  public toString(): string {
    return this.name;
  }
}
