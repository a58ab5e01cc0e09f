import type { Locator, Page } from 'playwright-core';

/**
 * Drops files and folders from disk onto `target`, as a person dragging them from a file manager
 * does: Chromium's own drag and drop (DevTools Input.dispatchDragEvent with real paths), so the page
 * gets real entries (webkitGetAsEntry), empty folders included. Playwright has no such drop.
 */
export async function dropFromDisk(page: Page, target: Locator, paths: readonly string[]): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('the drop target is not on screen');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const cdp = await page.context().newCDPSession(page);
  try {
    // dragOperationsMask 1: copy, what a file manager offers.
    const data = { items: [], files: [...paths], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
    }
  } finally {
    await cdp.detach();
  }
}
