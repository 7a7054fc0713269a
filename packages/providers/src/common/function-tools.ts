import type { LanguageModelV3CallOptions, LanguageModelV3FunctionTool, SharedV3Warning } from '@ai-sdk/provider';

/**
 * A call's function tools, in order, and a warning for each provider-defined tool: neither upstream protocol we speak
 * ourselves (Chat Completions, the Codex Responses backend) can carry another provider's built-in tool.
 */
export function functionToolsOf(tools: LanguageModelV3CallOptions['tools']): {
  functions: LanguageModelV3FunctionTool[];
  warnings: SharedV3Warning[];
} {
  const functions: LanguageModelV3FunctionTool[] = [];
  const warnings: SharedV3Warning[] = [];
  for (const tool of tools ?? []) {
    if (tool.type === 'provider') warnings.push({ type: 'unsupported', feature: `provider-defined tool ${tool.id}` });
    else functions.push(tool);
  }
  return { functions, warnings };
}
