import { existsSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreeLoopbackPort } from '@pag/testkit';
import { type BenchProcess, readRssKib } from '../support/child-process.ts';
import type { Scenario } from '../support/scenario.ts';
import { REPO_ROOT, spawnGateway, spawnPortkey, spawnRelay } from '../support/start-environment.ts';
import { percentiles, round } from '../support/summarize.ts';
import { formatMs } from './format.ts';

const WEB_UI_INDEX = join(REPO_ROOT, 'apps/web/dist/index.html');
/** How often a starting server is asked whether it is up: fine enough for a start of a few hundred ms. */
const POLL_MS = 5;
/** A start slower than this is a failure, not a number. */
const START_LIMIT_MS = 30_000;
/** Quiet time between ready and the RSS reading: what a server holds once its start-up work has settled. */
const IDLE_SETTLE_MS = 1_500;

type Sample = { startMs: number; idleRssKib: number };

/**
 * Start-up, each server fresh and idle: the gateway's real entry (`apps/server/bin/gateway-server.mjs`, which runs
 * the server build: run-bench.ts checks that it is current) on an empty data dir with the web UI already built, from
 * spawn to the first `GET /readyz` 200, then its RSS after
 * {@link IDLE_SETTLE_MS} without traffic; the bare relay and Portkey beside it, from spawn to the first HTTP answer
 * (they have no readiness route: listening is ready). Each is spawned as `node` itself, so the pid read is the
 * server's (checked through /proc). The servers take turns within every repetition, so drift hits them alike;
 * the medians are reported.
 */
export const startup: Scenario = {
  id: 'startup',
  check() {
    if (!existsSync(WEB_UI_INDEX)) {
      throw new Error(
        `the startup scenario measures the gateway with its web UI built, and ${WEB_UI_INDEX} is missing: run \`pnpm --filter @pag/web build\` first`,
      );
    }
  },
  async run(context) {
    const repetitions = context.isQuick ? 1 : 5;
    const servers = ['gateway', 'bare-relay', ...(context.env.portkey == null ? [] : ['portkey'])] as const;
    const workDir = await mkdtemp(join(tmpdir(), 'pag-bench-startup-'));
    const samples: Record<string, Sample[]> = Object.fromEntries(servers.map((name) => [name, []]));
    const startedAt = Date.now();
    try {
      for (let repetition = 0; repetition < repetitions; repetition += 1) {
        for (const name of servers) {
          context.log(`startup ${repetition + 1}/${repetitions}: ${name}`);
          const port = await findFreeLoopbackPort();
          const logFile = join(workDir, `${name}-${repetition}.log`);
          const spawnedAt = performance.now();
          const server =
            name === 'gateway'
              ? spawnGateway({
                  port,
                  dataDir: join(workDir, `gateway-data-${repetition}`),
                  logFile,
                  upstreams: context.env.upstreams,
                })
              : name === 'bare-relay'
                ? spawnRelay({ name: 'bare relay', script: 'bare-relay.mjs', port, logFile })
                : spawnPortkey({ port, logFile });
          try {
            await waitUntilUp({
              server,
              port,
              path: name === 'gateway' ? '/readyz' : '/',
              needsOk: name === 'gateway',
            });
            const startMs = performance.now() - spawnedAt;
            assertIsNode(server);
            await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
            samples[name]?.push({ startMs, idleRssKib: await readRssKib(server.pid) });
          } finally {
            await server.stop();
          }
        }
      }
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    const summaries = Object.fromEntries(
      Object.entries(samples).map(([name, list]) => [
        name,
        {
          startMs: percentiles(list.map((sample) => sample.startMs)),
          idleRssKib: percentiles(list.map((sample) => sample.idleRssKib)),
          samples: list.length,
        },
      ]),
    );
    const derived: Record<string, number> = {};
    for (const [name, summary] of Object.entries(summaries)) {
      // Nearest-rank p50 of an odd count is the median.
      derived[`${name}.startMs`] = round(summary.startMs.p50);
      derived[`${name}.idleRssMib`] = round(summary.idleRssKib.p50 / 1024);
    }
    const markdown = [
      '| server | spawn → ready (median) | slowest | idle RSS (median) | largest |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...Object.entries(summaries).map(
        ([name, summary]) =>
          `| ${name === 'gateway' ? 'gateway (`/readyz` 200)' : `${name} (listening)`} | ${formatMs(summary.startMs.p50)} | ${formatMs(summary.startMs.max)} | ${mib(summary.idleRssKib.p50)} | ${mib(summary.idleRssKib.max)} |`,
      ),
      '',
      `Each started ${repetitions} time${repetitions === 1 ? '' : 's'}, fresh (the gateway from its server build, on an empty data dir, web UI built), polled every ${POLL_MS} ms; RSS read from /proc ${IDLE_SETTLE_MS / 1000} s after ready, without traffic.`,
    ];
    return {
      id: this.id,
      title: `Start-up and idle memory (${repetitions} start${repetitions === 1 ? '' : 's'} each)`,
      params: { repetitions, pollMs: POLL_MS, idleSettleMs: IDLE_SETTLE_MS },
      durationMs: Date.now() - startedAt,
      isTruncated: false,
      targets: summaries,
      derived,
      markdown,
    };
  },
};

/**
 * Polls `GET <path>` every {@link POLL_MS} until the server answers (200 when `needsOk`, any status otherwise).
 * Each poll on a new connection: a refused one is the answer "not yet".
 */
async function waitUntilUp(options: { server: BenchProcess; port: number; path: string; needsOk: boolean }) {
  const deadline = performance.now() + START_LIMIT_MS;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const outgoing = request(
        { hostname: '127.0.0.1', port: options.port, path: options.path, method: 'GET', agent: false, timeout: 1_000 },
        (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy());
      outgoing.on('error', () => resolve(0));
      outgoing.end();
    });
    if (status === 200 || (!options.needsOk && status !== 0)) return;
    const { child } = options.server;
    if (child.exitCode != null || child.signalCode != null) {
      throw new Error(`${options.server.name} exited while starting:\n${options.server.output().slice(-3000)}`);
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${options.server.name} was not up within ${START_LIMIT_MS} ms:\n${options.server.output().slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The pid whose RSS is read must be the node process serving, not a wrapper (a shell, a package manager). */
function assertIsNode(server: BenchProcess): void {
  // /proc is Linux's; elsewhere the RSS is not read either.
  if (process.platform !== 'linux') return;
  const executable = readlinkSync(`/proc/${server.pid}/exe`);
  if (executable !== realpathSync(process.execPath)) {
    throw new Error(`${server.name}'s pid ${server.pid} runs ${executable}, not node (${process.execPath})`);
  }
}

function mib(kib: number): string {
  return Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : '—';
}
