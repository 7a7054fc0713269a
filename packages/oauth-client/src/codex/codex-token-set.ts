/** The tokens one sign-in or refresh yields. Plain strings: the caller encrypts them before storing. */
export type CodexTokenSet = {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Lifetime the server announced for the access token, if it did. */
  expiresInSeconds: number | undefined;
};
