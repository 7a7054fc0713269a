import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * Reads a stream one line per call, for the whole of one CLI command: a pipe's lines answer its prompts in turn
 * (`printf 'P\nP\n' | gateway user create …` gives the password, then its confirmation). One reader per stream,
 * because a line reader reads ahead: a second one would miss what the first had already taken from the pipe.
 */
export class LineReader {
  readonly #input: Readable;
  #readline: Interface | undefined;
  #lines: AsyncIterator<string> | undefined;

  constructor(input: Readable) {
    this.#input = input;
  }

  /** The next line without its line break (`\n` or `\r\n`); null once the stream has ended. */
  async next(): Promise<string | null> {
    if (this.#lines == null) {
      // Created at the first read only: a terminal must not be put in line mode by a command that never reads.
      this.#readline = createInterface({ input: this.#input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
      this.#lines = this.#readline[Symbol.asyncIterator]();
    }
    const result = await this.#lines.next();
    return result.done === true ? null : result.value;
  }

  /** Lets go of the stream, so a terminal that is still open does not keep the process alive. */
  close(): void {
    this.#readline?.close();
  }
}
