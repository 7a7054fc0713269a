import { createHash } from 'node:crypto';

/**
 * A unit vector from the model and text alone (SHA-256 in counter mode); `dimensions` cuts it and scales it back to
 * unit length, as text-embedding-3 does.
 */
export function createDeterministicEmbedding(options: {
  modelId: string;
  text: string;
  nativeDimensions: number;
  dimensions?: number | undefined;
}): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < options.nativeDimensions; block += 1) {
    const digest = createHash('sha256').update(`${options.modelId}\u0000${options.text}\u0000${block}`).digest();
    for (let offset = 0; offset + 4 <= digest.length && values.length < options.nativeDimensions; offset += 4) {
      values.push(digest.readUInt32BE(offset) / 0x7fffffff - 1);
    }
  }
  const kept = values.slice(0, options.dimensions ?? options.nativeDimensions);
  const norm = Math.sqrt(kept.reduce((sum, value) => sum + value * value, 0)) || 1;
  // Rounded through float32, which is what the API's base64 encoding carries, so both encodings agree.
  return kept.map((value) => Math.fround(value / norm));
}
