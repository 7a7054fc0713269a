import type {
  JSONSchema7,
  LanguageModelV3CallOptions,
  LanguageModelV3ToolChoice,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { functionToolsOf } from '../common/function-tools.ts';

/** The flat Responses-API function tool (not the Chat Completions `{function:{…}}` form). */
export type CodexFunctionTool = {
  type: 'function';
  name: string;
  description?: string;
  strict: boolean;
  parameters: JSONSchema7;
};

export type CodexToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

/**
 * AI SDK tools and tool choice in the backend's flat Responses form, under the caller's names: the request rules
 * (`toCodexRequestBody`) clean the names the backend would refuse, the same way for every path.
 */
export function prepareCodexTools(options: {
  tools: LanguageModelV3CallOptions['tools'];
  toolChoice: LanguageModelV3ToolChoice | undefined;
}): { tools: CodexFunctionTool[]; toolChoice: CodexToolChoice; warnings: SharedV3Warning[] } {
  const { functions, warnings } = functionToolsOf(options.tools);
  const tools = functions.map(
    (tool): CodexFunctionTool => ({
      type: 'function',
      name: tool.name,
      ...(tool.description != null ? { description: tool.description } : {}),
      strict: tool.strict ?? false,
      parameters: tool.inputSchema,
    }),
  );
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
      return { type: 'function', name: toolChoice.toolName };
  }
}
