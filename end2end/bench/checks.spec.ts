// Checks figure (docs/CHECKS.md, "Figures"): one keystroke in a 500-line skill, from the input
// event to the checks list re-rendered (the check, the memo, the DOM update), measured in the
// page; p95 of 200. Figures only: nothing here asserts a duration.
import { test, expect } from '@playwright/test';
import { createArtifact, hydrated } from '../tests/helpers';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * p)];
}

test('a keystroke in a 500-line skill -> checks updated', async ({ page }) => {
  const name = `checks-bench-${Date.now().toString(36)}`;
  const body = Array.from({ length: 496 }, (_, i) => `Line ${i + 1} of the body, with some words in it.`).join('\n');
  await createArtifact(page, 'skills', name, `---\nname: ${name}\ndescription: Bench.\n---\n${body}\n`);
  await page.goto(`/skills/${name}`);
  await hydrated(page);
  await expect(page.locator('#ctx-checks .checks-heading')).toHaveAttribute('data-errors', '0');
  const [plain, toggled] = await page.evaluate(async () => {
    const area = document.getElementById('editor-content') as HTMLTextAreaElement;
    const heading = () => document.querySelector('#ctx-checks .checks-heading')?.getAttribute('data-errors');
    // A message-channel turn: unlike setTimeout(0), never clamped to 4 ms. Leptos runs its
    // effects in microtasks, so one turn sees everything a keystroke caused.
    const turn = () =>
      new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(null);
        channel.port2.postMessage(null);
      });
    const type = async (text: string, until: () => boolean) => {
      const start = performance.now();
      area.value = text;
      area.dispatchEvent(new Event('input', { bubbles: true }));
      do {
        await turn();
      } while (!until());
      return performance.now() - start;
    };
    const plain: number[] = [];
    const toggled: number[] = [];
    for (let i = 0; i < 200; i++) {
      // A letter typed in the body: the findings stay the same.
      plain.push(await type(area.value.replace(/^Line 7 .*$/m, `Line 7 ${i}`), () => true));
      // The description emptied and refilled in turn: every keystroke changes the list.
      const broken = i % 2 === 0;
      const text = area.value.replace(/^description: .*$/m, broken ? 'description: ""' : 'description: Bench.');
      toggled.push(await type(text, () => heading() === (broken ? '1' : '0')));
    }
    return [plain, toggled];
  });
  for (const [what, samples] of [
    ['keystroke in the body (findings unchanged)', plain],
    ['keystroke that changes the findings', toggled],
  ] as const) {
    console.log(
      `${what}, 500-line skill: median ${percentile(samples, 0.5).toFixed(2)} ms, ` +
        `p95 ${percentile(samples, 0.95).toFixed(2)} ms over ${samples.length}`,
    );
  }
});
