import { createHash } from 'node:crypto';

export type IssuedThoughtSignature = { model: string; functionName: string | undefined };

export type ThoughtSignatureRegistry = {
  /** A signature for a part of one answer; deterministic per fake, so fixtures stay stable. */
  issue(options: { model: string; serial: string; index: number; functionName?: string }): string;
  find(signature: string): IssuedThoughtSignature | undefined;
  clear(): void;
};

/** Remembers which signatures the fake handed out, so a replayed turn can be checked against them. */
export function createThoughtSignatureRegistry(): ThoughtSignatureRegistry {
  const issued = new Map<string, IssuedThoughtSignature>();
  return {
    issue(options) {
      const seed = `${options.model}:${options.serial}:${options.index}:${options.functionName ?? ''}`;
      // Real signatures are long opaque base64; two digests give a similar look without pretending to be one.
      const signature = Buffer.concat([
        createHash('sha256').update(`sig1:${seed}`).digest(),
        createHash('sha256').update(`sig2:${seed}`).digest(),
      ]).toString('base64');
      issued.set(signature, { model: options.model, functionName: options.functionName });
      return signature;
    },
    find: (signature) => issued.get(signature),
    clear: () => issued.clear(),
  };
}
