import type { Page } from '@playwright/test';

/**
 * The error sentences the page shows: the text of every alert, without its title line and without the technical
 * words folded under "Details" (which are meant to be technical).
 */
export async function readVisibleErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const sentences: string[] = [];
    for (const alert of document.querySelectorAll('[role="alert"]')) {
      if ((alert as HTMLElement).offsetParent == null && getComputedStyle(alert).position !== 'fixed') continue;
      const copy = alert.cloneNode(true) as HTMLElement;
      for (const hidden of copy.querySelectorAll('details, .banner-title, .visually-hidden, button')) hidden.remove();
      const text = copy.textContent?.replace(/^⚠\s*/, '').replace(/\s+/g, ' ').trim() ?? '';
      if (text !== '') sentences.push(text);
    }
    return sentences;
  });
}

/** What issue 17 found in the pages' errors: network codes, hosts and ports, ISO timestamps, JWT words, stacks. */
export const JARGON =
  /ENOTFOUND|ECONN|EAI_AGAIN|getaddrinfo|fetch failed|other side closed|socket hang up|\b\d{1,3}(\.\d{1,3}){3}\b|[a-z]\.[a-z]{2,}:\d+|localhost:\d+|\d{4}-\d\d-\d\dT\d\d|JWT|claim value|\bat \S+ \(|Error:|undefined|null/;

/** True for one plain sentence: a capital first, a full stop last, nothing after it. */
export function isOneSentence(text: string): boolean {
  return /^[A-Z].*[.!?]$/s.test(text) && text.split(/(?<=[.!?])\s+(?=[A-Z])/).length === 1;
}
