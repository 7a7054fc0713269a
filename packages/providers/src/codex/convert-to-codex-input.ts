import type {
  LanguageModelV3FilePart,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3ProviderOptions,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { CODEX_PROVIDER_KEY } from './codex-options.ts';

type InputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string }
  | { type: 'input_file'; filename: string; file_data: string };

/** One item of the request's `input` list. No item ids are sent: with `store:false` they could reference nothing. */
export type CodexInputItem =
  | { type: 'message'; role: 'developer' | 'user'; content: InputContent[] }
  | { type: 'message'; role: 'assistant'; content: Array<{ type: 'output_text'; text: string }> }
  | { type: 'reasoning'; summary: Array<{ type: 'summary_text'; text: string }>; encrypted_content: string }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | {
      type: 'function_call_output';
      call_id: string;
      output: string | Array<Extract<InputContent, { type: 'input_text' | 'input_image' }>>;
    };

/**
 * Converts a V3 prompt to the Codex `input` list (and `instructions` in that mode).
 * @see docs/codex-protocol.md §5.4
 */
export function convertToCodexInput(options: {
  prompt: LanguageModelV3Prompt;
  systemMessageMode: 'developer' | 'instructions';
}): { input: CodexInputItem[]; instructions: string | undefined; warnings: SharedV3Warning[] } {
  const input: CodexInputItem[] = [];
  const warnings: SharedV3Warning[] = [];
  const systemTexts: string[] = [];
  const knownCallIds = new Set<string>();

  for (const message of options.prompt) {
    switch (message.role) {
      case 'system':
        if (options.systemMessageMode === 'instructions') systemTexts.push(message.content);
        else
          input.push({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: message.content }] });
        break;

      case 'user': {
        const content: InputContent[] = [];
        for (const part of message.content) {
          if (part.type === 'text') content.push({ type: 'input_text', text: part.text });
          else {
            const converted = convertFilePart(part);
            if (converted == null)
              warnings.push({ type: 'unsupported', feature: `file input of type ${part.mediaType}` });
            else content.push(converted);
          }
        }
        if (content.length > 0) input.push({ type: 'message', role: 'user', content });
        break;
      }

      case 'assistant': {
        let texts: string[] = [];
        const flushText = () => {
          if (texts.length === 0) return;
          input.push({
            type: 'message',
            role: 'assistant',
            content: texts.map((text) => ({ type: 'output_text', text })),
          });
          texts = [];
        };
        let reasoning: { itemId: string | undefined; item: Extract<CodexInputItem, { type: 'reasoning' }> } | undefined;
        for (const part of message.content) {
          if (part.type !== 'reasoning') reasoning = undefined;
          switch (part.type) {
            case 'text':
              if (part.text !== '') texts.push(part.text);
              break;
            case 'reasoning': {
              // Reasoning is only replayable with the encrypted content the backend gave us (store:false keeps
              // nothing server-side); reasoning from another provider is dropped.
              const metadata = readCodexOptions(part.providerOptions);
              const itemId = typeof metadata?.itemId === 'string' ? metadata.itemId : undefined;
              const encryptedContent =
                typeof metadata?.encryptedContent === 'string' ? metadata.encryptedContent : undefined;
              const isSummary = metadata?.reasoningText !== true && part.text !== '';
              if (reasoning != null && itemId != null && reasoning.itemId === itemId) {
                if (isSummary) reasoning.item.summary.push({ type: 'summary_text', text: part.text });
                if (encryptedContent != null) reasoning.item.encrypted_content = encryptedContent;
                break;
              }
              if (encryptedContent == null) {
                reasoning = undefined;
                break;
              }
              flushText();
              const item: Extract<CodexInputItem, { type: 'reasoning' }> = {
                type: 'reasoning',
                summary: isSummary ? [{ type: 'summary_text', text: part.text }] : [],
                encrypted_content: encryptedContent,
              };
              input.push(item);
              reasoning = { itemId, item };
              break;
            }
            case 'tool-call':
              if (part.providerExecuted === true) break;
              flushText();
              knownCallIds.add(part.toolCallId);
              input.push({
                type: 'function_call',
                call_id: part.toolCallId,
                // The caller's name; the request rules clean it like the tool list's (`toCodexRequestBody`).
                name: part.toolName,
                arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}),
              });
              break;
            case 'file':
              warnings.push({ type: 'unsupported', feature: 'files in assistant messages' });
              break;
            case 'tool-result':
              // Provider-executed tool results have no Codex equivalent.
              break;
          }
        }
        flushText();
        break;
      }

      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue;
          const output = convertToolOutput(part.output);
          if (knownCallIds.has(part.toolCallId)) {
            input.push({ type: 'function_call_output', call_id: part.toolCallId, output });
          } else {
            // An orphan output (its call was trimmed from history) makes the backend answer 400; keep its
            // information as plain text instead (what the opencode plugin does).
            const text = typeof output === 'string' ? output : JSON.stringify(output);
            input.push({
              type: 'message',
              role: 'assistant',
              content: [
                { type: 'output_text', text: `[Result of tool ${part.toolName} (${part.toolCallId})]: ${text}` },
              ],
            });
            warnings.push({
              type: 'compatibility',
              feature: 'orphan tool result',
              details: `Tool result ${part.toolCallId} has no matching tool call; sent as text.`,
            });
          }
        }
        break;
    }
  }

  return {
    input,
    instructions: options.systemMessageMode === 'instructions' ? systemTexts.join('\n\n') : undefined,
    warnings,
  };
}

function readCodexOptions(providerOptions: SharedV3ProviderOptions | undefined) {
  return providerOptions?.[CODEX_PROVIDER_KEY];
}

function convertFilePart(part: LanguageModelV3FilePart): InputContent | undefined {
  const mediaType = part.mediaType === 'image/*' ? 'image/jpeg' : part.mediaType;
  const url = toUrlOrDataUrl(part.data, mediaType);
  if (mediaType.startsWith('image/')) return { type: 'input_image', image_url: url };
  if (mediaType === 'application/pdf' && !(part.data instanceof URL)) {
    return { type: 'input_file', filename: part.filename ?? 'file.pdf', file_data: url };
  }
  return undefined;
}

function toUrlOrDataUrl(data: LanguageModelV3FilePart['data'], mediaType: string): string {
  if (data instanceof URL) return data.href;
  // Node's own encoder, not @ai-sdk/provider-utils' (a 100 KB module the subscription path would load for it).
  const base64 =
    typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return `data:${mediaType};base64,${base64}`;
}

function convertToolOutput(
  output: LanguageModelV3ToolResultOutput,
): Extract<CodexInputItem, { type: 'function_call_output' }>['output'] {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'Tool execution denied.';
    case 'content': {
      const items: Array<Extract<InputContent, { type: 'input_text' | 'input_image' }>> = [];
      for (const item of output.value) {
        if (item.type === 'text') items.push({ type: 'input_text', text: item.text });
        else if (item.type === 'image-data' || (item.type === 'file-data' && item.mediaType.startsWith('image/'))) {
          items.push({ type: 'input_image', image_url: `data:${item.mediaType};base64,${item.data}` });
        } else if (item.type === 'image-url' || (item.type === 'file-url' && item.mediaType?.startsWith('image/'))) {
          items.push({ type: 'input_image', image_url: item.url });
        }
      }
      // A plain string is what every Codex version accepts; the array form only when there is an image.
      return items.every((item) => item.type === 'input_text') ? items.map((item) => item.text).join('\n') : items;
    }
  }
}
