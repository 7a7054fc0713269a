// The fake upstreams of a bench run, in a process of their own: they must not share an event loop with the load
// generator or with the gateway, or their work would show up as the gateway's latency.
import { startBenchUpstream, startFakeCodexBackend, startFakeOpenAiAuth } from '@pag/testkit';
import {
  CODEX_DELTA_COUNT,
  UPSTREAM_PROFILES,
  UPSTREAMS_READY_PREFIX,
  type UpstreamProfile,
  type UpstreamUrls,
} from '../support/bench-profiles.ts';

const upstreams = await Promise.all(
  Object.entries(UPSTREAM_PROFILES).map(async ([name, options]) => [name, await startBenchUpstream(options)] as const),
);
// Sign-ins approve at once: the bench connects its ChatGPT account through the gateway's own paste flow.
const auth = await startFakeOpenAiAuth({ autoApprove: true });
const codex = await startFakeCodexBackend({
  // The default verifier (an unexpired JWT naming an account) is enough: tokens come from the fake auth above.
  defaultScenario: { kind: 'stream', text: 'lorem ipsum '.repeat(CODEX_DELTA_COUNT), deltaCount: CODEX_DELTA_COUNT },
});

const urls: UpstreamUrls = {
  profiles: Object.fromEntries(upstreams.map(([name, upstream]) => [name, upstream.baseUrl])) as Record<
    UpstreamProfile,
    string
  >,
  apiKey: upstreams[0]?.[1].apiKey ?? '',
  codexBaseUrl: codex.baseUrl,
  codexUrl: codex.url,
  authUrl: auth.url,
};
process.stdout.write(`${UPSTREAMS_READY_PREFIX}${JSON.stringify(urls)}\n`);

let isClosing = false;
const close = async () => {
  if (isClosing) return;
  isClosing = true;
  await Promise.allSettled([...upstreams.map(([, upstream]) => upstream.close()), auth.close(), codex.close()]);
  process.exit(0);
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
// The runner holds our stdin open; when it goes away (even killed), so do we.
process.stdin.on('end', close);
process.stdin.resume();
