import { statSync } from 'node:fs';
import type { Keyring, ReloadableKeyring } from './keyring.ts';
import type { LoadKeyringOptions } from './load-keyring.ts';
import { loadKeyring } from './load-keyring.ts';

export type KeyringSourceOptions = Omit<LoadKeyringOptions, 'shouldCreateKeyFile'>;

/**
 * Identifies one version of the key file. Every write is a rename of a new file, so the inode changes; size and
 * nanosecond times cover an inode number being reused.
 */
function stampKeyFile(path: string): string {
  const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stats == null ? 'missing' : `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/**
 * The keyring of a long-running server, following the key file as the CLI rotates keys. Pass it to `new Vault()`:
 * the vault reloads when it meets an unknown key id and checks the file (one `stat`) before each encryption, so a
 * new primary key is used as soon as the CLI adds it. Construction loads the keyring exactly like `loadKeyring`,
 * creating the key file if needed; reloads never create it, and a failed reload keeps the last good keyring and
 * throws (`KeyFileError`).
 */
export class KeyringSource implements ReloadableKeyring {
  readonly #options: KeyringSourceOptions;
  #keyring: Keyring;
  #stamp: string;

  constructor(options: KeyringSourceOptions) {
    this.#options = { envKey: options.envKey, keyFilePath: options.keyFilePath };
    const { keyring, stamp } = this.#load({ shouldCreateKeyFile: true });
    this.#keyring = keyring;
    this.#stamp = stamp;
  }

  get keyring(): Keyring {
    return this.#keyring;
  }

  reload(): Keyring {
    const { keyring, stamp } = this.#load({ shouldCreateKeyFile: false });
    this.#keyring = keyring;
    this.#stamp = stamp;
    return keyring;
  }

  reloadIfChanged(): Keyring {
    return stampKeyFile(this.#options.keyFilePath) === this.#stamp ? this.#keyring : this.reload();
  }

  /**
   * Loads the keyring with the stamp of the file version it came from. The file is stamped before and after the
   * read; if the two differ (we just created it, or the CLI replaced it meanwhile), it is read again so the stamp
   * matches what was loaded. If it keeps changing, the earlier stamp is kept, which only causes one more reload later.
   */
  #load(options: { shouldCreateKeyFile: boolean }): { keyring: Keyring; stamp: string } {
    for (let attempt = 1; ; attempt++) {
      const before = stampKeyFile(this.#options.keyFilePath);
      const keyring = loadKeyring({ ...this.#options, shouldCreateKeyFile: options.shouldCreateKeyFile });
      if (attempt === 3 || stampKeyFile(this.#options.keyFilePath) === before) return { keyring, stamp: before };
    }
  }
}
