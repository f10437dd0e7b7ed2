import { readFile } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { TetraError } from '../../core/errors/index.ts';
import type { LoadedModel, ModelArtifact, ModelRuntime, RuntimeOptions } from '../../core/model/index.ts';
import { messageOf, OnnxLoadedModel } from './onnx-loaded-model.ts';
import { describeModel } from './onnx-model-info.ts';
import { decodeModel, type OnnxModel } from './onnx-proto.ts';
import { recognizesOnnx } from './onnx-recognize.ts';
import { readSignature } from './onnx-signature.ts';
import { ProtobufError } from './protobuf-reader.ts';
import { loadOrt } from './ort-module.ts';
import { parseOnnxOptions } from './session-options.ts';
import { stripZipMap } from './zipmap-strip.ts';

/** Runs ONNX models with onnxruntime (CPU). */
export const onnxRuntime: ModelRuntime = {
  name: 'onnx',
  recognizes: recognizesOnnx,
  load: loadOnnxModel,
};

async function loadOnnxModel(artifact: ModelArtifact, options?: RuntimeOptions): Promise<LoadedModel> {
  const file = artifact.path;
  const settings = parseOnnxOptions(options);
  const bytes = await readModelFile(file);
  const model = parseModel(bytes, file);
  const stripped = settings.stripZipMap ? stripZipMap(model, bytes) : undefined;
  // An unchanged model is loaded from its path so onnxruntime finds external weight files next to it.
  const session = await createSession(stripped ? stripped.bytes : file, settings.session, file);
  try {
    const { signature, omittedOutputs } = readSignature(session, file);
    const description = describeModel(model, signature, file);
    const runOptions = { logSeverityLevel: settings.runLogLevel };
    return new OnnxLoadedModel({ session, signature, description, file, omittedOutputs, runOptions });
  } catch (error) {
    await session.release();
    throw error;
  }
}

async function readModelFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new TetraError('MODEL_FILE_UNREADABLE', `cannot read model file ${file}: ${messageOf(error)}`, { file, cause: error });
  }
}

function parseModel(bytes: Uint8Array, file: string): OnnxModel {
  try {
    return decodeModel(bytes);
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    throw new TetraError('MODEL_FILE_CORRUPT', `model file ${file} is not a valid ONNX model (corrupt or truncated): ${error.message}`, {
      file, offset: error.offset, cause: error,
    });
  }
}

async function createSession(source: string | Uint8Array, options: InferenceSession.SessionOptions, file: string): Promise<InferenceSession> {
  try {
    const { InferenceSession } = await loadOrt();
    return typeof source === 'string'
      ? await InferenceSession.create(source, options)
      : await InferenceSession.create(source, options);
  } catch (error) {
    const message = messageOf(error);
    const code = /protobuf parsing failed/i.test(message) ? 'MODEL_FILE_CORRUPT' : 'MODEL_UNSUPPORTED';
    throw new TetraError(code, `onnxruntime cannot load model ${file}: ${message}`, { file, cause: error });
  }
}
