import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { findOverflows } from './find-overflows.ts';
import { isOneSentence, JARGON, readVisibleErrors } from './read-visible-errors.ts';

/**
 * The step check of the walk-through specs: a numbered full-page screenshot, then what every step must pass —
 * nothing overflows its box or the viewport, and every error shown is one plain sentence without jargon.
 */
export function createCheckpoint(options: { screenshots: string; width: string }) {
  let step = 0;
  return async function checkpoint(page: Page, name: string): Promise<void> {
    step += 1;
    await page.screenshot({
      path: join(options.screenshots, `${options.width}-${String(step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
      animations: 'disabled',
    });
    expect(await findOverflows(page), `overflows at "${name}" (${options.width})`).toEqual([]);
    for (const sentence of await readVisibleErrors(page)) {
      expect(isOneSentence(sentence), `"${sentence}" is one plain sentence`).toBe(true);
      expect(sentence, 'no technical words in an error').not.toMatch(JARGON);
    }
  };
}
