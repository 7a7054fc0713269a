import { invalidType, invalidValue } from './coded-type-error.ts';
import type { RequestMatch } from './request-recorder.ts';
import { matchesRequest } from './request-recorder.ts';

export type Fault =
  /** A string body is sent as is (text/plain unless `headers` say otherwise), anything else as JSON. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Waits, then lets the handler answer as usual. */
  | { kind: 'delay'; ms: number }
  /** A JSON content type with a truncated body. */
  | { kind: 'malformed-json'; status?: number }
  | { kind: 'drop-connection' };

export type ScriptedFault = {
  match: RequestMatch;
  /** How many matching requests it applies to; 1 by default, `Infinity` for all. */
  times?: number;
  fault: Fault;
};

export type FaultScript = {
  push(...faults: ScriptedFault[]): void;
  clear(): void;
  /** The first queued fault matching the request, counted as used once. */
  take(request: { method: string; path: string }): Fault | undefined;
  /** What is still queued, with the remaining count. */
  readonly pending: ReadonlyArray<Readonly<ScriptedFault>>;
};

export function createFaultScript(): FaultScript {
  const entries: Required<ScriptedFault>[] = [];
  return {
    push(...faults) {
      // Validate everything first so a bad entry does not leave half a script queued.
      entries.push(...faults.map(validateScriptedFault));
    },
    clear() {
      entries.length = 0;
    },
    take(request) {
      const index = entries.findIndex((entry) => matchesRequest(entry.match, request));
      const entry = entries[index];
      if (entry == null) return undefined;
      entry.times -= 1;
      if (entry.times <= 0) entries.splice(index, 1);
      return entry.fault;
    },
    get pending() {
      return entries.map((entry) => ({ ...entry }));
    },
  };
}

// Faults also arrive as JSON over the test hooks, so every field is checked, not just typed.
function validateScriptedFault(scripted: ScriptedFault): Required<ScriptedFault> {
  const { match, fault, times = 1 }: Partial<ScriptedFault> = scripted ?? {};
  if (match == null || typeof match !== 'object' || fault == null || typeof fault !== 'object') {
    throw invalidType('"match" and "fault" must be objects ({} matches all)');
  }
  if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0))) {
    throw invalidValue('"times" must be a positive integer or Infinity');
  }
  switch (fault.kind) {
    case 'status':
      if (!isStatus(fault.status, 100))
        throw invalidValue('"status" must be an integer HTTP status between 100 and 599');
      break;
    case 'delay':
      if (!(Number.isFinite(fault.ms) && fault.ms >= 0)) throw invalidValue('"ms" must be a finite number >= 0');
      break;
    case 'malformed-json':
      if (fault.status != null && !isStatus(fault.status, 200)) {
        throw invalidValue('"status" must be an integer HTTP status between 200 and 599');
      }
      break;
    case 'drop-connection':
      break;
    default:
      throw invalidValue('"fault.kind" must be status, delay, malformed-json or drop-connection');
  }
  return { match: { ...match }, times, fault };
}

function isStatus(value: number, lowest: number): boolean {
  return Number.isInteger(value) && value >= lowest && value <= 599;
}
