import { propError } from '../core/errors';
import { SHARED_VOLUME } from '../core/prop-checks';
import { optional, requireValue } from '../core/required-props';
import { ISharedVolume } from '../core/volume-types';

/** Where a model server loads the model from: a shared volume (by object) or an object-store URI. */
export class ModelLocation {
  /** A path on a shared volume (`pvc://<claim>/<path>`). */
  public static fromVolume(volume: ISharedVolume, path: string): ModelLocation {
    const where = { kind: 'ModelLocation', path: 'fromVolume' };
    requireValue(where, 'volume', volume, SHARED_VOLUME);
    requireValue(where, 'path', path, 'string');
    return new ModelLocation(volume.uri(path), volume);
  }

  /** A URI KServe's storage initializer understands (`s3://`, `gs://`, `https://`, `hf://`). */
  public static fromUri(uri: string): ModelLocation {
    const where = { kind: 'ModelLocation', path: 'fromUri' };
    requireValue(where, 'uri', uri, 'string');
    if (!/^(s3|gs|https?|hf|oci|hdfs|webhdfs):\/\/\S+$/.test(uri)) {
      throw propError(where, 'uri', uri, 'it is not a supported storage URI; use s3://, gs://, http(s)://, hf://, oci:// or hdfs://, or fromVolume() for a claim');
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
    requireValue({ kind: 'ModelFormat', path: 'custom' }, 'name', name, 'string');
    requireValue({ kind: 'ModelFormat', path: 'custom' }, 'version', version, optional('string'));
    return new ModelFormat(name, version);
  }

  private constructor(public readonly name: string, public readonly version?: string) {}
}
