import type { CallerPolicy } from '@pag/contracts';
import { loadOnce } from '../../load-once.ts';
import type { DomainContext } from '../domain-context.ts';
import type { AiGateway } from '../gateway/ai-gateway.ts';
import { listModelAliases } from '../model-aliases/list-model-aliases.ts';
import { resolveModelAlias } from '../model-aliases/resolve-model-alias.ts';
import type { CountTokensRequest } from './messages-request.ts';
import { messagesToModelCall } from './messages-to-model-call.ts';

/**
 * What an image costs, when its size is not read: OpenAI bills a high-detail 1024×1024 image 765 tokens
 * (85 + 4 tiles × 170), the size most clients scale screenshots to (docs/anthropic-protocol.md §8).
 */
const IMAGE_TOKENS = 765;
/** The chat format's framing around each message (role markers), as OpenAI's own counting guide adds it. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * gpt-tokenizer builds its 200,000-entry `o200k_base` table when it is imported: 0.2 s and some 60 MiB the server
 * would hold from start for an endpoint most gateways never see. Imported on the first count instead (issue 22).
 */
const loadTokenizer = loadOnce(() => import('gpt-tokenizer'));

/**
 * `POST /v1/messages/count_tokens`: an honest estimate of the input tokens the request would use on the model it
 * names (docs/anthropic-protocol.md §8). The request is checked like a real one (so a count never succeeds for a
 * request `/v1/messages` would refuse) and the model resolved on the user's route, with no upstream call for the
 * answer. Text, tool inputs and results and tool definitions are counted with OpenAI's `o200k_base` tokenizer (the
 * GPT-4o / GPT-5 family's, exact for their text); the framing is OpenAI's documented overhead and images a fixed
 * cost, so the total is close for OpenAI models and an approximation for any other.
 */
export async function countMessageTokens(
  gateway: AiGateway,
  options: { userId: string; policy: CallerPolicy; request: CountTokensRequest; context: DomainContext },
): Promise<{ input_tokens: number }> {
  const { call } = messagesToModelCall(options.request);
  // Plans the route (a model the user cannot reach is a 404 here too) without starting it.
  const model = resolveModelAlias(options.request.model, await listModelAliases(options.context, options.userId));
  await gateway.planRoute({ userId: options.userId, requestedModel: model, policy: options.policy });
  const { countTokens } = await loadTokenizer();
  let total = 3;
  for (const message of call.prompt) {
    total += MESSAGE_OVERHEAD_TOKENS;
    if (message.role === 'system') {
      total += countTokens(message.content);
      continue;
    }
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          total += countTokens(part.text);
          break;
        case 'file':
          total += IMAGE_TOKENS;
          break;
        case 'tool-call':
          total += countTokens(`${part.toolName}${JSON.stringify(part.input)}`);
          break;
        case 'tool-result':
          total += countTokens(
            JSON.stringify(part.output.type === 'content' ? textOf(part.output.value) : part.output),
          );
          if (part.output.type === 'content') {
            total += IMAGE_TOKENS * part.output.value.filter((item) => item.type !== 'text').length;
          }
          break;
        default:
          break;
      }
    }
  }
  for (const tool of call.tools ?? []) {
    if (tool.type !== 'function') continue;
    total += countTokens(`${tool.name}${tool.description ?? ''}${JSON.stringify(tool.inputSchema)}`);
  }
  return { input_tokens: total };
}

function textOf(items: readonly { type: string; text?: string }[]): string {
  return items.map((item) => item.text ?? '').join('\n');
}
