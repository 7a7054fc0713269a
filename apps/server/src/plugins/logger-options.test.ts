import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildLoggerOptions, redactSecretFields } from './logger-options.ts';

/** A logger with the gateway's options, writing its lines into an array. */
function createLogger() {
  const lines: string[] = [];
  const options = buildLoggerOptions({ level: 'info', stream: { write: (line: string) => lines.push(line) } });
  const logger = pino(options as pino.LoggerOptions, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

describe('log redaction', () => {
  it('issue 22: secret fields are censored at the top, one and two levels down, in objects, arrays and errors', () => {
    const { logger, lines } = createLogger();
    const error = Object.assign(new Error('refresh failed'), { refreshToken: 'rt-secret-1' });
    const logged = {
      password: 'pw-secret-0',
      access: { userId: 'u1', apiKey: 'ak-secret-2', nested: { token: 'tk-secret-3', kept: 'visible' } },
      list: [{ secret: 'sc-secret-4' }],
      err: error,
      failure: { cause: error },
    };
    logger.info(logged, 'line');
    const line = JSON.parse(lines[0] ?? '{}');
    expect(lines[0]).not.toMatch(/-secret-/);
    expect(line.password).toBe('[redacted]');
    expect(line.access).toEqual({
      userId: 'u1',
      apiKey: '[redacted]',
      nested: { token: '[redacted]', kept: 'visible' },
    });
    expect(line.list).toEqual([{ secret: '[redacted]' }]);
    // The error still logs as an error (type, message, stack) with its secret censored.
    expect(line.err).toMatchObject({ type: 'Error', message: 'refresh failed', refreshToken: '[redacted]' });
    expect(line.err.stack).toContain('refresh failed');
    // What was logged is not changed.
    expect(logged.access.apiKey).toBe('ak-secret-2');
    expect(error.refreshToken).toBe('rt-secret-1');
    expect(logged.list[0]?.secret).toBe('sc-secret-4');
  });

  it('issue 22: an object without secrets is logged as it is, not copied', () => {
    const object = { access: { userId: 'u1', route: 'POST /v1/chat/completions', status: 200 } };
    expect(redactSecretFields(object)).toBe(object);
  });

  it('issue 22: three levels down is beyond the redaction, as it was with pino paths', () => {
    expect(redactSecretFields({ a: { b: { c: { token: 'deep' } } } })).toEqual({ a: { b: { c: { token: 'deep' } } } });
  });
});
