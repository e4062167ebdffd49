/** Public surface of the inference engine. */

export { type GenerationConfig, loadTokenizerBundle, type ModelConfig, type TokenizerBundle } from "./bundle";
export { ContextLengthError, type EngineOptions, InferenceEngine, isContextLengthError } from "./engine";
export { ChunkStream } from "./generation-stream";
export { type LoadedModel, ModelManager, NoModelLoadedError } from "./model-manager";
export {
  buildDocumentExample,
  buildTrainingExample,
  ChatFormat,
  type FittedPrompt,
  IGNORE_INDEX,
  type TrainingExample,
} from "./prompt-builder";
export type {
  ChatMessage,
  FinishReason,
  GenerateIdsRequest,
  GenerateRequest,
  GenerationChunk,
  GenerationResult,
  GenerationStream,
  SamplingOptions,
} from "./types";
