/** Public surface of the inference engine. */
export type { ChatMessage, FinishReason, GenerateIdsRequest, GenerateRequest, GenerationChunk, GenerationResult, GenerationStream, SamplingOptions } from './types';
export { ModelManager, NoModelLoadedError, type LoadedModel } from './model-manager';
export { InferenceEngine, ContextLengthError, type EngineOptions } from './engine';
export { ChatFormat, IGNORE_INDEX, buildTrainingExample, buildDocumentExample, type TrainingExample, type FittedPrompt } from './prompt-builder';
export { loadTokenizerBundle, type TokenizerBundle, type ModelConfig, type GenerationConfig } from './bundle';
