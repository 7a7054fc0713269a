import type {
  JSONSchema7,
  LanguageModelV3CallOptions,
  LanguageModelV3ToolChoice,
  SharedV3Warning,
} from '@ai-sdk/provider';

/** The flat Responses-API function tool (not the Chat Completions `{function:{…}}` form). */
export type CodexFunctionTool = {
  type: 'function';
  name: string;
  description?: string;
  strict: boolean;
  parameters: JSONSchema7;
};

export type CodexToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

/** The backend rejects tool names over 64 characters (CLIProxyAPI shortens them too). */
export const CODEX_MAX_TOOL_NAME_LENGTH = 64;

/**
 * Shortens a tool name to fit the 64-character limit, deterministically, so the same name maps the same way in the
 * tool list, in replayed history and in tool choice.
 */
export function toCodexToolName(name: string): string {
  if (name.length <= CODEX_MAX_TOOL_NAME_LENGTH) return name;
  const hash = fnv1a32(name).toString(16).padStart(8, '0');
  return `${name.slice(0, CODEX_MAX_TOOL_NAME_LENGTH - 9)}_${hash}`;
}

/** Maps shortened names back to the caller's names. */
export class CodexToolNames {
  readonly #originals = new Map<string, string>();

  constructor(names: Iterable<string>) {
    for (const name of names) this.#originals.set(toCodexToolName(name), name);
  }

  fromCodex(name: string): string {
    return this.#originals.get(name) ?? name;
  }
}

export function prepareCodexTools(options: {
  tools: LanguageModelV3CallOptions['tools'];
  toolChoice: LanguageModelV3ToolChoice | undefined;
}): { tools: CodexFunctionTool[]; toolChoice: CodexToolChoice; warnings: SharedV3Warning[] } {
  const warnings: SharedV3Warning[] = [];
  const tools: CodexFunctionTool[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'provider') {
      warnings.push({ type: 'unsupported', feature: `provider-defined tool ${tool.id}` });
      continue;
    }
    tools.push({
      type: 'function',
      name: toCodexToolName(tool.name),
      ...(tool.description != null ? { description: tool.description } : {}),
      strict: tool.strict ?? false,
      parameters: tool.inputSchema,
    });
  }
  return { tools, toolChoice: convertToolChoice(options.toolChoice), warnings };
}

function convertToolChoice(toolChoice: LanguageModelV3ToolChoice | undefined): CodexToolChoice {
  switch (toolChoice?.type) {
    case undefined:
    case 'auto':
      return 'auto';
    case 'none':
      return 'none';
    case 'required':
      return 'required';
    case 'tool':
      return { type: 'function', name: toCodexToolName(toolChoice.toolName) };
  }
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
