import type { OpenAiChatChunk } from './parse-openai-chat-chunk.ts';

/** A text no server sends as content, to check that a learned template's slot is the content's. */
const PROBE = '\u0001pag-probe\u0002';

/**
 * The text of a plain content-delta chunk around its content, learned from one such chunk parsed in full. A stream's
 * text deltas differ only in their content — same id, model, created, envelope, field order — so a later chunk that
 * is exactly `prefix + "<JSON string>" + suffix` is, by the JSON grammar, the learned chunk with another content:
 * its one effect is that text. Such chunks are read without `JSON.parse`, which was 19 of the 21 µs an answer of 19
 * chunks cost in the stream state (issue 22 profile and micro-benchmark); anything else — another shape, an escape
 * JSON would refuse, a different id — is parsed in full as before. `stream-parsers.fuzz.test.ts` holds both ways to
 * the same parts.
 */
export class ContentDeltaTemplate {
  readonly #prefix: string;
  readonly #suffix: string;

  private constructor(prefix: string, suffix: string) {
    this.#prefix = prefix;
    this.#suffix = suffix;
  }

  /**
   * The template of `data` (the raw chunk) if its parsed `chunk` has no effect but its text: one choice, no finish
   * reason, no usage, no reasoning, refusal or tool calls. Its content must occur once in the raw text as JSON
   * encodes it, and the slot is checked by parsing the template around a probe once.
   */
  static learn(data: string, chunk: OpenAiChatChunk): ContentDeltaTemplate | undefined {
    const choice = chunk.choices?.length === 1 ? chunk.choices[0] : undefined;
    const delta = choice?.delta;
    if (choice == null || delta == null || choice.finish_reason != null || chunk.usage != null) return undefined;
    if (typeof delta.content !== 'string' || delta.content === '') return undefined;
    if (delta.reasoning_content != null || delta.reasoning != null || typeof delta.refusal === 'string')
      return undefined;
    if (delta.tool_calls != null && delta.tool_calls.length > 0) return undefined;
    const encoded = JSON.stringify(delta.content);
    const at = data.indexOf(encoded);
    if (at === -1 || data.indexOf(encoded, at + 1) !== -1) return undefined;
    const prefix = data.slice(0, at);
    const suffix = data.slice(at + encoded.length);
    try {
      const probe = JSON.parse(prefix + JSON.stringify(PROBE) + suffix) as OpenAiChatChunk;
      if (probe.choices?.[0]?.delta?.content !== PROBE) return undefined;
    } catch {
      return undefined;
    }
    return new ContentDeltaTemplate(prefix, suffix);
  }

  /** The content of `data` if it is this template around one JSON string; undefined otherwise (parse it in full). */
  read(data: string): string | undefined {
    const prefix = this.#prefix;
    const suffix = this.#suffix;
    const end = data.length - suffix.length;
    // Slices compared with ===: V8 compares flat strings with memcmp, where startsWith goes character by character.
    if (end - prefix.length < 2 || data.slice(0, prefix.length) !== prefix || data.slice(end) !== suffix) {
      return undefined;
    }
    if (data.charCodeAt(prefix.length) !== 0x22 || data.charCodeAt(end - 1) !== 0x22) return undefined;
    let hasEscape = false;
    let index = prefix.length + 1;
    while (index < end - 1) {
      const code = data.charCodeAt(index);
      if (code === 0x22 || code < 0x20) return undefined; // a quote ends the string early; JSON refuses controls
      if (code === 0x5c) {
        hasEscape = true;
        index += 2;
        continue;
      }
      index++;
    }
    // An escape that took the closing quote (`"…\"`): not one string.
    if (index !== end - 1) return undefined;
    if (!hasEscape) return data.slice(prefix.length + 1, end - 1);
    try {
      return JSON.parse(data.slice(prefix.length, end)) as string;
    } catch {
      return undefined;
    }
  }
}
