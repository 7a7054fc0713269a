/**
 * What the backend accepts as a function or custom tool name: the OpenAI platform's pattern and length limit
 * (docs/codex-protocol.md §5.5: "treat 64 as the limit"). Anything else is a 400 before the stream.
 */
export const CODEX_TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const CODEX_MAX_TOOL_NAME_LENGTH = 64;

/** Tool and output-item types whose `name` is a tool name the model calls. */
export const CODEX_NAMED_TOOL_TYPES: ReadonlySet<string> = new Set(['function', 'custom']);
export const CODEX_TOOL_CALL_TYPES: ReadonlySet<string> = new Set(['function_call', 'custom_tool_call']);

const HASH_LENGTH = 8;

export function isValidCodexToolName(name: string): boolean {
  return name.length <= CODEX_MAX_TOOL_NAME_LENGTH && CODEX_TOOL_NAME_PATTERN.test(name);
}

/**
 * A valid name derived from `name` alone, so the same caller name is cleaned the same way in every request of a
 * conversation: itself when valid; else every character outside the pattern becomes `_`, and a name still over 64
 * characters keeps its first 55 and ends in `_` plus a hash of the whole name (what CLIProxyAPI does for long MCP
 * names, §5.5). `CodexToolNames` makes the result unique among one request's names.
 */
export function toCodexToolName(name: string): string {
  if (isValidCodexToolName(name)) return name;
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/gu, '_') || '_';
  if (cleaned.length <= CODEX_MAX_TOOL_NAME_LENGTH) return cleaned;
  const hash = fnv1a32(name).toString(16).padStart(HASH_LENGTH, '0');
  return `${cleaned.slice(0, CODEX_MAX_TOOL_NAME_LENGTH - HASH_LENGTH - 1)}_${hash}`;
}

/**
 * The tool names of one request, both ways: the caller's name → the name sent to the backend, and back for the
 * calls the model makes. Valid names are kept and claimed first, so a cleaned name never takes one; two names that
 * clean to the same text get `_2`, `_3`, … in the order given (tools first, then history, then tool choice).
 */
export class CodexToolNames {
  readonly #toCodex = new Map<string, string>();
  readonly #originals = new Map<string, string>();

  constructor(names: Iterable<string>) {
    const unique = [...new Set(names)];
    for (const name of unique) {
      if (isValidCodexToolName(name)) this.#claim(name, name);
    }
    for (const name of unique) {
      if (this.#toCodex.has(name)) continue;
      const candidate = toCodexToolName(name);
      let codexName = candidate;
      for (let count = 2; this.#originals.has(codexName); count++) {
        const suffix = `_${count}`;
        codexName = `${candidate.slice(0, CODEX_MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}`;
      }
      this.#claim(name, codexName);
    }
  }

  /** The name the backend gets for a caller's name (one not given to the constructor is cleaned on its own). */
  toCodex(name: string): string {
    return this.#toCodex.get(name) ?? toCodexToolName(name);
  }

  /** The caller's name for a name the backend used; a name we did not send comes back unchanged. */
  fromCodex(name: string): string {
    return this.#originals.get(name) ?? name;
  }

  /** True when no name was changed: there is then nothing to restore in what comes back. */
  get isUnchanged(): boolean {
    for (const [name, codexName] of this.#toCodex) {
      if (name !== codexName) return false;
    }
    return true;
  }

  #claim(name: string, codexName: string) {
    this.#toCodex.set(name, codexName);
    this.#originals.set(codexName, name);
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
