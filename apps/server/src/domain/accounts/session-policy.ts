/** How long sign-in sessions live (from config): idle timeout and absolute lifetime, in milliseconds. */
export type SessionPolicy = { idleMs: number; maxMs: number };

/** `lastSeenAt` is written at most this often, so a busy UI does not turn every read into a write. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;
