import type { SharedV3ProviderMetadata } from '@pag/providers';

/** Marks a signature the gateway wrote; anything else (a real Anthropic signature) is not ours to read. */
const PREFIX = 'pag1.';

/**
 * A thinking block's `signature` as the gateway writes it: the provider's metadata of the reasoning (for the
 * subscription, the Codex reasoning item id and its `encrypted_content`) as base64url JSON. A client sends the block
 * back unchanged on its next turn (docs/anthropic-protocol.md §5), and `openThinkingSignature` turns it back into the
 * reasoning part's provider options, so the provider can replay its own reasoning. Not encrypted: what it carries is
 * already opaque (the upstream encrypts its reasoning) and only ever goes back to the same user's upstream.
 */
export function sealThinkingSignature(metadata: SharedV3ProviderMetadata | undefined): string {
  return `${PREFIX}${Buffer.from(JSON.stringify(metadata ?? {})).toString('base64url')}`;
}

/** The provider options a signature of ours carries; undefined for a foreign or damaged one (then it is not replayed). */
export function openThinkingSignature(signature: string): SharedV3ProviderMetadata | undefined {
  if (!signature.startsWith(PREFIX)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(signature.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value == null || Array.isArray(value)) return undefined;
    const entries = Object.entries(value).filter(
      ([, options]) => typeof options === 'object' && options != null && !Array.isArray(options),
    );
    return Object.fromEntries(entries) as SharedV3ProviderMetadata;
  } catch {
    return undefined;
  }
}
