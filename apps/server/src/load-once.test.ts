import { describe, expect, it } from 'vitest';
import { loadOnce } from './load-once.ts';

describe('loadOnce', () => {
  it('issue 22: runs the load on the first call only, however many calls wait for it', async () => {
    let loads = 0;
    const load = loadOnce(async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { loaded: loads };
    });
    expect(loads).toBe(0);
    const [first, second] = await Promise.all([load(), load()]);
    const third = await load();
    expect(loads).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('issue 22: tries a failed load again on the next call instead of keeping the failure', async () => {
    let attempts = 0;
    const load = loadOnce(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('the database was busy');
      return attempts;
    });
    await expect(load()).rejects.toThrow('the database was busy');
    expect(await load()).toBe(2);
    expect(await load()).toBe(2);
    expect(attempts).toBe(2);
  });
});
