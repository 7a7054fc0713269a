import type { Readable, Writable } from 'node:stream';

/**
 * Reads a password: from a terminal with a hidden prompt, otherwise the whole of stdin (so scripts can pipe it).
 * Never from argv, where it would show in `ps` and shell history. Hand-rolled because node:readline has no
 * hidden input; it is a few lines of raw-mode key handling.
 */
export async function readPassword(options: {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stderr: Writable;
  prompt: string;
}): Promise<string> {
  const { stdin } = options;
  if (stdin.isTTY !== true || stdin.setRawMode == null) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    // Pipes usually end with one newline (echo, here-strings); it is not part of the password.
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
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
