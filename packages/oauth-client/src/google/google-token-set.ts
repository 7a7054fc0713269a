/** The tokens one sign-in or refresh yields. Plain strings: the caller encrypts them before storing. */
export type GoogleTokenSet = {
  /** Opaque (`ya29.…`); sent as `Authorization: Bearer` to the Gemini API. */
  accessToken: string;
  /** Google keeps it across refreshes unless it sends a new one; store whichever this holds. */
  refreshToken: string;
  /** Present when `openid` was granted; read it with `readGoogleIdTokenClaims`. */
  idToken: string | undefined;
  /** About 3599 s at Google. */
  expiresInSeconds: number | undefined;
  /** What the user actually granted (granular consent lets them untick scopes). */
  scopes: string[];
};
