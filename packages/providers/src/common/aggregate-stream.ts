import type {
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3ResponseMetadata,
  LanguageModelV3StreamPart,
  LanguageModelV3ToolCall,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { EMPTY_USAGE } from './empty-usage.ts';

export type AggregatedStream = {
  /** Text, reasoning, tool calls (and files/sources) in the order they started, as `doGenerate` returns them. */
  content: LanguageModelV3Content[];
  /** All text blocks joined. */
  text: string;
  /** All reasoning blocks joined. */
  reasoning: string;
  toolCalls: LanguageModelV3ToolCall[];
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
  response: LanguageModelV3ResponseMetadata;
  warnings: SharedV3Warning[];
  /** Of the `finish` part. */
  providerMetadata: SharedV3ProviderMetadata | undefined;
  /** `error` parts, in order. A non-streaming caller usually throws the first. */
  errors: unknown[];
};

/** Reads a whole stream of parts into one result, for callers that do not stream. */
export async function aggregateStream(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<AggregatedStream> {
  const content: LanguageModelV3Content[] = [];
  const textBlocks = new Map<string, Extract<LanguageModelV3Content, { type: 'text' }>>();
  const reasoningBlocks = new Map<string, Extract<LanguageModelV3Content, { type: 'reasoning' }>>();
  const toolCalls: LanguageModelV3ToolCall[] = [];
  const warnings: SharedV3Warning[] = [];
  const errors: unknown[] = [];
  const response: LanguageModelV3ResponseMetadata = {};
  let finishReason: LanguageModelV3FinishReason = { unified: 'other', raw: undefined };
  let usage = EMPTY_USAGE;
  let providerMetadata: SharedV3ProviderMetadata | undefined;

  const textBlock = (id: string) => {
    let block = textBlocks.get(id);
    if (block == null) {
      block = { type: 'text', text: '' };
      textBlocks.set(id, block);
      content.push(block);
    }
    return block;
  };
  const reasoningBlock = (id: string) => {
    let block = reasoningBlocks.get(id);
    if (block == null) {
      block = { type: 'reasoning', text: '' };
      reasoningBlocks.set(id, block);
      content.push(block);
    }
    return block;
  };
  const mergeMetadata = (
    block: { providerMetadata?: SharedV3ProviderMetadata },
    metadata: SharedV3ProviderMetadata | undefined,
  ) => {
    if (metadata == null) return;
    const merged: SharedV3ProviderMetadata = { ...block.providerMetadata };
    for (const [key, value] of Object.entries(metadata)) merged[key] = { ...merged[key], ...value };
    block.providerMetadata = merged;
  };

  const reader = stream.getReader();
  for (;;) {
    const { done, value: part } = await reader.read();
    if (done) break;
    switch (part.type) {
      case 'stream-start':
        warnings.push(...part.warnings);
        break;
      case 'response-metadata':
        if (part.id != null) response.id = part.id;
        if (part.modelId != null) response.modelId = part.modelId;
        if (part.timestamp != null) response.timestamp = part.timestamp;
        break;
      case 'text-start':
      case 'text-end':
        mergeMetadata(textBlock(part.id), part.providerMetadata);
        break;
      case 'text-delta':
        textBlock(part.id).text += part.delta;
        break;
      case 'reasoning-start':
      case 'reasoning-end':
        mergeMetadata(reasoningBlock(part.id), part.providerMetadata);
        break;
      case 'reasoning-delta':
        reasoningBlock(part.id).text += part.delta;
        break;
      case 'tool-call': {
        toolCalls.push(part);
        content.push(part);
        break;
      }
      case 'tool-result':
      case 'tool-approval-request':
      case 'file':
      case 'source':
        content.push(part);
        break;
      case 'finish':
        finishReason = part.finishReason;
        usage = part.usage;
        providerMetadata = part.providerMetadata;
        break;
      case 'error':
        errors.push(part.error);
        break;
      case 'tool-input-start':
      case 'tool-input-delta':
      case 'tool-input-end':
      case 'raw':
        break;
    }
  }

  return {
    content,
    text: [...textBlocks.values()].map((block) => block.text).join(''),
    reasoning: [...reasoningBlocks.values()].map((block) => block.text).join(''),
    toolCalls,
    finishReason,
    usage,
    response,
    warnings,
    providerMetadata,
    errors,
  };
}
