import { generateToken, hashToken, safeEqual } from '../security/secret-tokens.ts';

/**
 * The one-time secret that authorises creating the first (admin) user from the browser. It lives only in the
 * server's memory: it is printed once at startup while no user exists and dies with the process or first use.
 */
export class SetupToken {
  #hash: string | null = null;

  /** Makes a new token and returns it (to be printed); any earlier token stops working. */
  issue(): string {
    const token = generateToken(24);
    this.#hash = hashToken(token);
    return token;
  }

  /** Constant-time check; false when no token is outstanding. */
  verify(candidate: string): boolean {
    return this.#hash != null && safeEqual(hashToken(candidate), this.#hash);
  }

  /** Called once setup succeeded: the token can never be used again. */
  revoke(): void {
    this.#hash = null;
  }
}
