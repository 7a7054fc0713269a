import { setTimeout as sleep } from 'node:timers/promises';
import { listConnections } from '../domain/connection-list/list-connections.ts';
import { cancelSignInFlow } from '../domain/connections/cancel-sign-in-flow.ts';
import { completePastedSignIn } from '../domain/connections/complete-pasted-sign-in.ts';
import type { ConnectionsContext } from '../domain/connections/connections-context.ts';
import { disconnectChatgpt } from '../domain/connections/disconnect-chatgpt.ts';
import { pollChatgptDeviceSignIn } from '../domain/connections/poll-chatgpt-device-sign-in.ts';
import { startChatgptDeviceSignIn } from '../domain/connections/start-chatgpt-device-sign-in.ts';
import { startChatgptSignIn } from '../domain/connections/start-chatgpt-sign-in.ts';
import { GatewayError } from '../domain/gateway-error.ts';
import type { LineReader } from './line-reader.ts';
import type { CliIo } from './run-cli.ts';

type CommandOptions = { context: ConnectionsContext; io: CliIo; userId: string };

const print = (io: CliIo, line: string) => io.stdout.write(`${line}\n`);
const tell = (io: CliIo, line: string) => io.stderr.write(`${line}\n`);

/**
 * `connect chatgpt --device`: prints the code and the page to type it on, then waits (polling at the server's
 * interval, at most 15 minutes) until the sign-in is approved, declined or expires. Ctrl-C cancels the flow.
 */
export async function connectChatgptWithDeviceCode(options: CommandOptions): Promise<number> {
  const { context, io, userId } = options;
  const flow = await startChatgptDeviceSignIn(context, { userId });
  print(io, `Open ${flow.verificationUrl} and enter the code ${flow.userCode}`);
  tell(io, 'Waiting for approval (the code expires in 15 minutes; Ctrl-C cancels).');
  tell(io, 'If ChatGPT refuses, enable device code authorization for Codex in ChatGPT Settings → Security first.');
  // A signal listener cannot await: it starts the cancellation, which ends the process once the flow is cancelled.
  const cancel = () => {
    void cancelSignInFlow(context, { userId, flowId: flow.id }).then(() => {
      tell(io, 'gateway: sign-in cancelled');
      process.exit(130);
    });
  };
  process.once('SIGINT', cancel);
  try {
    for (;;) {
      await sleep((flow.pollIntervalSeconds ?? 5) * 1000);
      const current = await pollChatgptDeviceSignIn(context, { flowId: flow.id });
      if (current.status === 'pending' || current.status === 'exchanging') continue;
      if (current.status === 'completed') return await reportConnected(options);
      throw new GatewayError('sign_in_failed', current.failureReason ?? `the sign-in ended as ${current.status}`);
    }
  } finally {
    process.off('SIGINT', cancel);
  }
}

/**
 * `connect chatgpt --paste`: prints the sign-in link, then reads the address the browser ended up on from stdin
 * (for a gateway on another machine than the browser).
 */
export async function connectChatgptByPaste(options: CommandOptions & { lines: LineReader }): Promise<number> {
  const { context, io, userId } = options;
  const flow = await startChatgptSignIn(context, { userId, method: 'paste', redirectUri: context.chatgpt.redirectUri });
  print(io, flow.authorizeUrl ?? '');
  tell(
    io,
    `Open the link above in a browser and sign in. The browser then fails to load ${context.chatgpt.redirectUri}?code=…; ` +
      'copy that whole address, paste it here and press Enter:',
  );
  const input = await options.lines.next();
  if (input == null) throw new GatewayError('invalid_request', 'no address was pasted');
  await completePastedSignIn(context, { userId, flowId: flow.id, input });
  return await reportConnected(options);
}

export async function printConnections(options: CommandOptions & { isJson: boolean }): Promise<number> {
  const connections = await listConnections(options.context, options.userId);
  if (options.isJson) {
    print(options.io, JSON.stringify(connections, null, 2));
    return 0;
  }
  if (connections.length === 0) tell(options.io, 'no connections');
  for (const connection of connections) {
    print(
      options.io,
      [
        connection.provider,
        connection.state,
        connection.email ?? '-',
        connection.planType ?? '-',
        connection.accountIdMasked,
        `expires ${connection.accessTokenExpiresAt ?? '-'}`,
        `refreshed ${connection.lastRefreshAt ?? 'never'}`,
        connection.stateMessage ?? '',
      ]
        .join('\t')
        .trimEnd(),
    );
  }
  return 0;
}

export async function disconnectChatgptCommand(options: CommandOptions): Promise<number> {
  const { isRevokedUpstream } = await disconnectChatgpt(options.context, { userId: options.userId });
  tell(
    options.io,
    isRevokedUpstream
      ? 'disconnected ChatGPT; its sign-in was revoked at OpenAI'
      : 'disconnected ChatGPT; the tokens were deleted here, but revoking them at OpenAI failed',
  );
  return 0;
}

async function reportConnected(options: CommandOptions): Promise<number> {
  const connections = await listConnections(options.context, options.userId);
  const connection = connections.find((entry) => entry.provider === 'chatgpt');
  tell(
    options.io,
    `connected ChatGPT account ${connection?.email ?? ''} (${connection?.planType ?? 'unknown plan'}, ${connection?.accountIdMasked ?? ''})`,
  );
  return 0;
}
