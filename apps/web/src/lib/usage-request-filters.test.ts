import { describe, expect, it } from 'vitest';
import { type RequestLogFilters, toRequestLogSearch } from './usage-request-filters.ts';

const base: RequestLogFilters = {
  from: '2026-12-01T00:00:00.000Z',
  to: '2026-12-06T00:00:00.000Z',
  caller: '',
  status: '',
  model: '',
  limit: 50,
};

describe('request log filters', () => {
  it('issue 19: leaves out empty filters and pages with the cursor', () => {
    expect(toRequestLogSearch(base, { cursor: 'c2' }).toString()).toBe(
      'from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-06T00%3A00%3A00.000Z&limit=50&cursor=c2',
    );
  });

  it('issue 19: a key or an app from the one caller select, status and model', () => {
    const key = toRequestLogSearch({ ...base, caller: 'key:k_1', status: 'error', model: 'chatgpt/gpt-5.5' });
    expect(key.get('keyId')).toBe('k_1');
    expect(key.get('appClientId')).toBeNull();
    expect(key.get('status')).toBe('error');
    expect(key.get('model')).toBe('chatgpt/gpt-5.5');
    const app = toRequestLogSearch({ ...base, caller: 'app:client:with:colons' });
    expect(app.get('appClientId')).toBe('client:with:colons');
    expect(app.get('keyId')).toBeNull();
  });

  it('issue 19: the CSV export carries the same filters, all rows (no limit, no cursor)', () => {
    const csv = toRequestLogSearch({ ...base, caller: 'key:k_1', status: 'ok' }, { format: 'csv' });
    expect(csv.get('format')).toBe('csv');
    expect(csv.get('keyId')).toBe('k_1');
    expect(csv.get('status')).toBe('ok');
    expect(csv.has('limit')).toBe(false);
    expect(csv.has('cursor')).toBe(false);
  });
});
