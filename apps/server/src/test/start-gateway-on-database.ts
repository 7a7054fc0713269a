import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreeLoopbackPort } from '@pag/testkit';
import { readKeyFile } from '@pag/vault';
import { startBin, waitFor } from './run-process.ts';
import type { AiTestGateway } from './start-ai-test-gateway.ts';

export type GatewayOnDatabase = {
  url: string;
  output: () => string;
  /** Asks `/v1/chat/completions` with a gateway API key; the fakes echo the last user message. */
  chat: (apiKey: string, model: string, content: string) => Promise<Response>;
  stop: () => Promise<void>;
};

/** The primary key of a key file, base64: what GATEWAY_ENCRYPTION_KEY holds for a gateway that used that file. */
export function primaryKeyOf(keyFilePath: string): string {
  const keyFile = readKeyFile(keyFilePath);
  const primary = keyFile.keys.find((entry) => entry.id === keyFile.primaryKeyId);
  if (primary == null) throw new Error(`the key file ${keyFilePath} has no primary key`);
  return primary.key.toString('base64');
}

/**
 * The real server (`gateway-server`, a process of its own) on a given database with a given key, in front of the
 * fakes of `fakes`, in an empty data directory: it finds nothing but what the database and the key give it. Private
 * upstreams (the fakes on loopback) are allowed only by what the database says (operator settings).
 */
export async function startGatewayOnDatabase(options: {
  databaseUrl: string;
  encryptionKey: string;
  fakes: Pick<AiTestGateway, 'fakeAuth' | 'fakeCodex' | 'fakeGemini' | 'fakeAnthropic'>;
}): Promise<GatewayOnDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pag-copied-'));
  const port = await findFreeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const running = startBin({
    bin: 'gateway-server',
    cwd: dataDir,
    env: {
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_PORT: String(port),
      GATEWAY_PUBLIC_URL: url,
      GATEWAY_LOG_LEVEL: 'warn',
      GATEWAY_DATABASE_URL: options.databaseUrl,
      GATEWAY_ENCRYPTION_KEY: options.encryptionKey,
      GATEWAY_OPENAI_AUTH_URL: options.fakes.fakeAuth.url,
      GATEWAY_CHATGPT_BACKEND_URL: options.fakes.fakeCodex.baseUrl,
      GATEWAY_GEMINI_API_URL: options.fakes.fakeGemini.url,
      GATEWAY_ANTHROPIC_API_URL: options.fakes.fakeAnthropic.url,
    },
  });
  const stop = async () => {
    if (running.child.exitCode == null && running.child.signalCode == null) {
      running.child.kill('SIGTERM');
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 5_000);
      await running.exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (running.child.exitCode != null) throw new Error(`the gateway exited: ${running.output()}`);
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
      return ready?.status === 200 ? true : null;
    }, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${running.output()}`);
  }
  return {
    url,
    output: running.output,
    chat: (apiKey, model, content) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
        signal: AbortSignal.timeout(20_000),
      }),
    stop,
  };
}
