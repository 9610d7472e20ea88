import { ISharedVolume } from '../core/shared-volume';

/** Where a model server loads the model from: a shared volume (by object) or an object-store URI. */
export class ModelLocation {
  /** A path on a shared volume (`pvc://<claim>/<path>`). */
  public static fromVolume(volume: ISharedVolume, path: string): ModelLocation {
    return new ModelLocation(volume.uri(path), volume);
  }

  /** A URI KServe's storage initializer understands (`s3://`, `gs://`, `https://`, `hf://`). */
  public static fromUri(uri: string): ModelLocation {
    if (!/^(s3|gs|https?|hf|oci|hdfs|webhdfs):\/\/\S+$/.test(uri)) {
      throw new Error(`ModelLocation.fromUri: '${uri}' is not a supported storage URI; use s3://, gs://, http(s)://, hf://, oci:// or hdfs://, or fromVolume() for a claim`);
    }
    return new ModelLocation(uri, undefined);
  }

  private constructor(
    /** The `storageUri`. */
    public readonly uri: string,
    /** The shared volume holding the model, if it lives on one. */
    public readonly volume: ISharedVolume | undefined,
  ) {}

  public toString(): string {
    return this.uri;
  }
}

/** A KServe model format (`predictor.model.modelFormat`), which selects the serving runtime. */
export class ModelFormat {
  public static readonly TENSORFLOW = new ModelFormat('tensorflow');
  public static readonly PYTORCH = new ModelFormat('pytorch');
  public static readonly SKLEARN = new ModelFormat('sklearn');
  public static readonly XGBOOST = new ModelFormat('xgboost');
  public static readonly ONNX = new ModelFormat('onnx');
  public static readonly HUGGINGFACE = new ModelFormat('huggingface');
  public static readonly TRITON = new ModelFormat('triton');

  /** A format served by a custom ServingRuntime. */
  public static custom(name: string, version?: string): ModelFormat {
    return new ModelFormat(name, version);
  }

  private constructor(public readonly name: string, public readonly version?: string) {}
}
