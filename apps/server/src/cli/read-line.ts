import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Reads one line from a stream (a terminal or a pipe); null when the stream ends first. */
export async function readLine(input: Readable): Promise<string | null> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return line;
    return null;
  } finally {
    lines.close();
  }
}
