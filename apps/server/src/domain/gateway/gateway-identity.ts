import { arch, platform } from 'node:os';

/** The gateway's version, sent to upstreams that want a client version (the Codex model list). */
export const GATEWAY_VERSION = '0.1.0';

/**
 * How the gateway names itself to the ChatGPT backend. Honestly: our own name, not the official CLI's. The
 * backend does not validate `originator` (codex-protocol.md §5.2; ChatMock and opencode send their own names).
 */
export const GATEWAY_ORIGINATOR = 'personal_ai_gateway';

export const GATEWAY_USER_AGENT = `${GATEWAY_ORIGINATOR}/${GATEWAY_VERSION} (${platform()}; ${arch()}) node/${process.versions.node}`;
