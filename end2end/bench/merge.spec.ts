// Merge figure (SPEC §12): a stale save of a 10,000-line file with 100 edits on each side; how
// long the page takes from the disk version's arrival to the dialog saying the merge outcome
// (the merge, the two marked panes, the DOM update), then to the next frame. Median of 20.
// Figures only: nothing here asserts a duration.
import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import { createArtifact, hydrated, workingFile } from '../tests/helpers';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

test('merge outcome in the conflict dialog, 10,000 lines, 100 edits per side', async ({ page }) => {
  const lines = Array.from({ length: 10_000 }, (_, i) => `- line ${i}: notes about step ${i % 97} of the deploy checklist`);
  const base = lines.join('\n') + '\n';
  // Mine edits every 100th line, the disk every 100th line halfway between: a clean merge.
  const mine = lines.map((l, i) => (i % 100 === 0 ? `${l} (mine)` : l)).join('\n') + '\n';
  const disk = lines.map((l, i) => (i % 100 === 50 ? `${l} (disk)` : l)).join('\n') + '\n';
  await createArtifact(page, 'skills', 'big-merge', base);
  await page.goto('/skills/big-merge');
  await hydrated(page);
  // Paste-like: one input event with the whole text (typing 600 KB would measure the browser).
  await page.evaluate((text) => {
    const area = document.querySelector<HTMLTextAreaElement>('#editor-content')!;
    area.value = text;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, mine);
  const file = workingFile('skills', 'big-merge');
  fs.writeFileSync(file, disk);
  const later = new Date(Date.now() + 2000);
  fs.utimesSync(file, later, later);

  const dialog = page.locator('#ctx-conflict-modal');
  const save = page.getByRole('button', { name: 'Save', exact: true });
  const toOutcome: number[] = [];
  const toFrame: number[] = [];
  let conflicts = '';
  for (let i = 0; i < 20; i++) {
    await page.evaluate(() => {
      const w = window as unknown as { __outcomeAt: number; __frameAt: number };
      w.__outcomeAt = 0;
      w.__frameAt = 0;
      performance.clearResourceTimings();
      const outcome = document.getElementById('ctx-merge-outcome')!;
      const observer = new MutationObserver(() => {
        if (outcome.hasAttribute('data-merge-conflicts')) {
          w.__outcomeAt = performance.now();
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => (w.__frameAt = performance.now()), 0));
        }
      });
      observer.observe(outcome, { attributes: true });
    });
    // The buffer's base stays the stale version, so every Save is a conflict again.
    await save.click();
    await expect(dialog).toBeVisible();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __frameAt: number }).__frameAt)).toBeGreaterThan(0);
    const round = await page.evaluate(() => {
      const w = window as unknown as { __outcomeAt: number; __frameAt: number };
      const fetches = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/_fn/get_artifact')) as PerformanceResourceTiming[];
      const arrived = fetches[fetches.length - 1].responseEnd;
      return { outcome: w.__outcomeAt - arrived, frame: w.__frameAt - arrived };
    });
    toOutcome.push(round.outcome);
    toFrame.push(round.frame);
    conflicts = (await dialog.locator('[data-merge-conflicts]').getAttribute('data-merge-conflicts')) ?? '?';
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(save).toBeEnabled();
  }
  console.log(
    `merge in the conflict dialog, 10,000 lines, 100 + 100 edits (outcome: ${conflicts} conflicts): ` +
      `disk version received -> outcome shown median ${median(toOutcome).toFixed(1)} ms, ` +
      `-> next frame median ${median(toFrame).toFixed(1)} ms over ${toOutcome.length} (min ${Math.min(...toOutcome).toFixed(1)}, max ${Math.max(...toOutcome).toFixed(1)})`,
  );
});
