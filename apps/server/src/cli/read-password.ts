import type { Readable, Writable } from 'node:stream';
import type { LineReader } from './line-reader.ts';

/**
 * Reads a password: from a terminal with a hidden prompt, otherwise the next line of stdin (so scripts can pipe
 * it, one line per prompt). Null when stdin ended first. Never from argv, where it would show in `ps` and shell
 * history. Hand-rolled because node:readline has no hidden input; it is a few lines of raw-mode key handling.
 */
export async function readPassword(options: {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  lines: LineReader;
  stderr: Writable;
  prompt: string;
}): Promise<string | null> {
  const { stdin } = options;
  if (stdin.isTTY !== true || stdin.setRawMode == null) return options.lines.next();
  options.stderr.write(options.prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const character of chunk.toString('utf8')) {
          if (character === '\r' || character === '\n') {
            stdin.off('data', onData);
            options.stderr.write('\n');
            resolve(value);
            return;
          }
          if (character === '\u0003') {
            stdin.off('data', onData);
            reject(new Error('cancelled'));
            return;
          }
          if (character === '\u007f' || character === '\b') value = value.slice(0, -1);
          else value += character;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
