import { CodedTypeError } from './coded-type-error.ts';
import type { RequestMatch } from './matches-request.ts';
import { matchesRequest } from './matches-request.ts';

export type StatusFault = {
  kind: 'status';
  status: number;
  /** A string is sent as is (text/plain unless `headers` say otherwise); anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
};

/** Waits, then lets the handler answer as usual. */
export type DelayFault = { kind: 'delay'; ms: number };

/** A JSON content type with a truncated body. */
export type MalformedJsonFault = { kind: 'malformed-json'; status?: number };

/** Destroys the socket without answering. */
export type DropConnectionFault = { kind: 'drop-connection' };

export type Fault = StatusFault | DelayFault | MalformedJsonFault | DropConnectionFault;

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

type Entry = { match: RequestMatch; times: number; fault: Fault };

export function createFaultScript(): FaultScript {
  const entries: Entry[] = [];
  return {
    push(...faults) {
      // Validate everything first so a bad entry does not leave half a script queued.
      const validated = faults.map(validateScriptedFault);
      entries.push(...validated);
    },
    clear() {
      entries.length = 0;
    },
    take(request) {
      const index = entries.findIndex((entry) =>
        matchesRequest({ match: entry.match, method: request.method, path: request.path }),
      );
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

function validateScriptedFault(scripted: ScriptedFault): Entry {
  const times = scripted.times ?? 1;
  if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0))) {
    throw invalidValue('"times" must be a positive integer or Infinity');
  }
  if (scripted.match == null || typeof scripted.match !== 'object') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"match" must be an object ({} matches all)' });
  }
  const { fault } = scripted;
  switch (fault.kind) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) {
        throw invalidValue('"status" must be an integer HTTP status between 100 and 599');
      }
      break;
    case 'delay':
      if (!Number.isFinite(fault.ms) || fault.ms < 0) throw invalidValue('"ms" must be a finite number >= 0');
      break;
    case 'malformed-json':
      if (fault.status != null && (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599)) {
        throw invalidValue('"status" must be an integer HTTP status between 200 and 599');
      }
      break;
    case 'drop-connection':
      break;
    default:
      throw invalidValue(`"fault.kind" must be status, delay, malformed-json or drop-connection`);
  }
  return { match: { ...scripted.match }, times, fault };
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
