// Live-change figure (SPEC §14): an external write → the notice in a dirty editor, measured in
// the page (median / p95 of 50). Figures only: nothing here asserts a duration.
import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import { createArtifact, hydrated, workingFile } from '../tests/helpers';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * p)];
}

test('external write -> notice in the page', async ({ page }) => {
  await createArtifact(page, 'skills', 'live-bench', 'start\n');
  const file = workingFile('skills', 'live-bench');
  const samples: number[] = [];
  for (let i = 0; i < 50; i++) {
    await page.goto('/skills/live-bench');
    await hydrated(page);
    await expect(page.locator('html[data-live]')).toHaveCount(1);
    await page.getByLabel('Content', { exact: true }).fill(`mine ${i}\n`);
    // The page notes when the notice appears; the test notes when it wrote the file. Both
    // clocks are this machine's, compared through Date.now().
    await page.evaluate(() => {
      new MutationObserver((_, observer) => {
        if (document.getElementById('ctx-disk-notice')) {
          (window as unknown as { __noticeAt: number }).__noticeAt = Date.now();
          observer.disconnect();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    const wroteAt = Date.now();
    fs.writeFileSync(`${file}.tmp`, `external ${i}\n`);
    fs.renameSync(`${file}.tmp`, file);
    await expect(page.locator('#ctx-disk-notice')).toBeVisible();
    const shownAt = await page.evaluate(() => (window as unknown as { __noticeAt: number }).__noticeAt);
    samples.push(shownAt - wroteAt);
    // Leave the page clean for the next round.
    await page.getByLabel('Content', { exact: true }).fill(`external ${i}\n`);
  }
  console.log(`external write -> #ctx-disk-notice: median ${percentile(samples, 0.5)} ms, p95 ${percentile(samples, 0.95)} ms over ${samples.length}`);
});
