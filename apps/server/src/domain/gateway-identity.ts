import { arch, platform } from 'node:os';

/** The gateway's own version. */
export const GATEWAY_VERSION = '0.1.0';

/**
 * The newest official Codex CLI version whose traffic we verified our client and fakes against. It is sent only as
 * the model catalogue's `client_version` (`GATEWAY_CODEX_CLIENT_VERSION` overrides it): the backend leaves out every
 * model whose `minimal_client_version` is newer than the client that asks, so an honest "0.1.0" would hide every
 * current model (docs/codex-protocol.md §5.6). Raise it only after checking the newer client's requests.
 */
export const CODEX_CLIENT_VERSION = '0.169.0';

/**
 * How the gateway names itself to OpenAI, on every call (auth.openai.com and the ChatGPT backend alike): our own
 * name, not the official CLI's. The backend does not validate `originator` (docs/codex-protocol.md §5.2), and we
 * disguise nothing beyond the protocol's needs.
 */
export const GATEWAY_ORIGINATOR = 'personal_ai_gateway';

/** One user agent for every upstream call: our name and version, the platform, and the Node that runs us. */
export const GATEWAY_USER_AGENT = `${GATEWAY_ORIGINATOR}/${GATEWAY_VERSION} (${platform()}; ${arch()}) node/${process.versions.node}`;
