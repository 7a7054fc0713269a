import type { Page } from '@playwright/test';

/**
 * Measures every rendered element of the page (an open dialog included) and lists those that do not fit: content
 * wider than its own box (text cut off, like a device code in a too narrow field, or a table whose last column
 * needs sideways scrolling) and boxes that reach past the viewport's edges. Elements that are meant to be clipped
 * are left out: visually hidden text, the skip link parked off-screen, and `text-overflow: ellipsis`; and a field
 * the user types in scrolls its text as it should, so only read-only fields (a code, a key, an address to copy: a
 * display) must show all of their value.
 */
export async function findOverflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const viewportWidth = document.documentElement.clientWidth;
    const TOLERANCE = 1;
    const nameOf = (element: Element) => {
      const id = element.id === '' ? '' : `#${element.id}`;
      const classes =
        typeof element.className === 'string' && element.className !== ''
          ? `.${element.className.trim().split(/\s+/).join('.')}`
          : '';
      const label = element.getAttribute('aria-label') ?? element.textContent?.slice(0, 40) ?? '';
      return `<${element.tagName.toLowerCase()}${id}${classes}> "${label.replace(/\s+/g, ' ')}"`;
    };
    const isIntentionallyClipped = (element: Element) =>
      element.closest('.visually-hidden, .skip-link, option, script, style, head') != null;
    // The content of a closed <details> keeps a box in Chromium but is not shown (its summary is).
    const isFoldedAway = (element: Element) => {
      const fold = element.closest('details:not([open])');
      return fold != null && element !== fold && element.closest('summary')?.parentElement !== fold;
    };
    const problems: string[] = [];
    for (const element of document.querySelectorAll('body, body *')) {
      if (isIntentionallyClipped(element) || isFoldedAway(element)) continue;
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden' || style.display === 'inline') continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const isEllipsis = style.textOverflow === 'ellipsis';
      const isEditableField =
        (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) && !element.readOnly;
      if (
        !isEllipsis &&
        !isEditableField &&
        element.scrollWidth > element.clientWidth + TOLERANCE &&
        element.clientWidth > 0
      ) {
        problems.push(
          `${nameOf(element)} content is ${element.scrollWidth} px wide in a ${element.clientWidth} px box`,
        );
      }
      if (style.position !== 'fixed' && (rect.right > viewportWidth + TOLERANCE || rect.left < -TOLERANCE)) {
        problems.push(
          `${nameOf(element)} spans ${Math.round(rect.left)}–${Math.round(rect.right)} px of a ${viewportWidth} px viewport`,
        );
      }
    }
    return problems;
  });
}
