import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import {
  collectErrors, content, createArtifact, dialog, draftKey, hydrated, saveButton, workingFile,
} from './helpers';

// SPEC §12: Merge in the conflict dialog, and the merge panel for what it cannot decide alone.

const DOC = '# Review\n\nCheck the diff.\nRun the tests.\nWrite a summary.\n\nBe kind.\n';
/** Mine edits the first line, the disk the last: far apart, so they merge by themselves. */
const MINE_FAR = DOC.replace('# Review', '# Code review');
const DISK_FAR = DOC.replace('Be kind.', 'Be kind and specific.');
const BOTH_FAR = '# Code review\n\nCheck the diff.\nRun the tests.\nWrite a summary.\n\nBe kind and specific.\n';

/** One line changed two ways (a conflict), plus one clean change on each side elsewhere. */
const BASE_ONE = 'title\n\nstep one\n\nstep two\n\nfooter\n';
const MINE_ONE = 'title (mine)\n\nstep one\n\nstep 2 mine\n\nfooter\n';
const DISK_ONE = 'title\n\nstep one\n\nstep 2 disk\n\nfooter (disk)\n';

const MERGE = 'Merge';

function panel(page: Page) {
  return page.locator('#ctx-merge');
}

let clock = 0;
/** Another program rewrites the file; the mtime moves forward each time, so even coarse clocks see it. */
function writeDisk(file: string, text: string) {
  fs.writeFileSync(file, text);
  clock += 2000;
  const later = new Date(Date.now() + clock);
  fs.utimesSync(file, later, later);
}

function onDisk(name: string): string {
  return fs.readFileSync(workingFile('skills', name), 'utf8');
}

/** Creates `base`, opens it, types `mine`, lets the disk become `disk`, clicks Save: the dialog opens. */
async function reachConflict(page: Page, name: string, base: string, mine: string, disk: string, save = 'Save', label = 'Content') {
  await createArtifact(page, 'skills', name, base);
  await page.goto(`/skills/${name}`);
  await hydrated(page);
  // Edit first: a clean editor would follow the disk live instead of conflicting.
  await page.getByLabel(label, { exact: true }).fill(mine);
  writeDisk(workingFile('skills', name), disk);
  // The live notice pushes the page down as it appears: wait for it, or the click can land where
  // Save was a moment before.
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await page.getByRole('button', { name: save, exact: true }).click();
  await expect(dialog(page)).toBeVisible();
}

async function saved(page: Page, name: string) {
  await saveButton(page).click();
  await expect(page.getByRole('status')).toContainText(`"${name}" saved`);
}

const serious = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) =>
  r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);

test('edits far apart: the dialog says it can merge; Merge puts both in the buffer; Save writes both', async ({ page }) => {
  const errors = collectErrors(page);
  await reachConflict(page, 'merge-far', DOC, MINE_FAR, DISK_FAR);
  const box = dialog(page);
  await expect(box.getByRole('button')).toHaveText(['Reload (discard my edits)', MERGE, 'Open diff editor', 'Force save (overwrite)']);
  await expect(box.getByRole('button', { name: 'Reload (discard my edits)' })).toBeFocused();
  const outcome = box.locator('[data-merge-conflicts]');
  await expect(outcome).toHaveAttribute('data-merge-conflicts', '0');
  await expect(outcome).toHaveText('Your edits and the changes on disk can be merged automatically.');

  await box.getByRole('button', { name: MERGE, exact: true }).click();
  await expect(box).toBeHidden();
  await expect(panel(page)).toHaveCount(0);
  await expect(content(page)).toHaveValue(BOTH_FAR);
  await expect(page.getByRole('status')).toContainText('Merged with the version on disk — review and Save.');
  // Nothing was written yet: the merge waits for the user's Save.
  expect(onDisk('merge-far')).toBe(DISK_FAR);
  await expect(saveButton(page)).toBeEnabled();

  await saved(page, 'merge-far');
  expect(onDisk('merge-far')).toBe(BOTH_FAR);
  expect(onDisk('merge-far')).not.toMatch(/^(<<<<<<<|\|\|\|\|\|\|\||=======|>>>>>>>)/m);
  expect(errors).toEqual([]);
});

test('a conflict on one line: the panel decides it with "Use disk"; Apply, then Save writes all changes', async ({ page }) => {
  const errors = collectErrors(page);
  await reachConflict(page, 'merge-one', BASE_ONE, MINE_ONE, DISK_ONE);
  const outcome = dialog(page).locator('[data-merge-conflicts]');
  await expect(outcome).toHaveAttribute('data-merge-conflicts', '1');
  await expect(outcome).toHaveText('Merging leaves 1 conflicting part(s) for you to decide.');
  await dialog(page).getByRole('button', { name: MERGE, exact: true }).click();
  await expect(dialog(page)).toBeHidden();

  const merge = panel(page);
  await expect(merge).toBeVisible();
  await expect(merge).toHaveAttribute('aria-label', 'Merge');
  // The panel sits above the textarea.
  const [panelBox, areaBox] = [await merge.boundingBox(), await content(page).boundingBox()];
  expect(panelBox!.y + panelBox!.height).toBeLessThanOrEqual(areaBox!.y);
  const blocks = merge.locator('.merge-conflict');
  await expect(blocks).toHaveCount(1);
  const block = blocks.first();
  await expect(block).toContainText('Your edits');
  await expect(block).toContainText('step 2 mine');
  await expect(block).toContainText('Current on disk');
  await expect(block).toContainText('step 2 disk');
  // The original is there, folded away.
  const original = block.locator('details.merge-original');
  await expect(original.locator('summary')).toHaveText('Original');
  expect(await original.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
  await original.locator('summary').click();
  await expect(original).toContainText('step two');

  const apply = merge.getByRole('button', { name: 'Apply merge' });
  await expect(merge.locator('.merge-progress')).toHaveText('0 of 1 resolved');
  await expect(apply).toBeDisabled();
  // Nothing in the buffer changes while deciding.
  await expect(content(page)).toHaveValue(MINE_ONE);
  const useDisk = block.getByRole('button', { name: 'Use disk' });
  await expect(useDisk).toHaveAttribute('aria-pressed', 'false');
  await useDisk.click();
  await expect(useDisk).toHaveAttribute('aria-pressed', 'true');
  await expect(block.getByRole('button', { name: 'Use mine' })).toHaveAttribute('aria-pressed', 'false');
  await expect(merge.locator('.merge-progress')).toHaveText('1 of 1 resolved');
  await apply.click();

  await expect(merge).toHaveCount(0);
  const want = 'title (mine)\n\nstep one\n\nstep 2 disk\n\nfooter (disk)\n';
  await expect(content(page)).toHaveValue(want);
  // The disk version is "loaded" now: the save goes through without another conflict.
  await saved(page, 'merge-one');
  await expect(dialog(page)).toBeHidden();
  expect(onDisk('merge-one')).toBe(want);
  expect(errors).toEqual([]);
});

test('"Use both" keeps mine, then disk; the panel works from the keyboard', async ({ page }) => {
  await reachConflict(page, 'merge-both', BASE_ONE, MINE_ONE, DISK_ONE);
  await dialog(page).getByRole('button', { name: MERGE, exact: true }).click();
  const block = panel(page).locator('.merge-conflict').first();
  await expect(block).toHaveAttribute('role', 'group');
  // The panel takes focus (its heading) on the next frame: drive the keyboard only after that.
  await expect(panel(page).locator('h2')).toBeFocused();
  await block.getByRole('button', { name: 'Use mine' }).focus();
  await page.keyboard.press('Tab');
  await expect(block.getByRole('button', { name: 'Use disk' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(block.getByRole('button', { name: 'Use both' })).toBeFocused();
  await page.keyboard.press('Space');
  await expect(block.getByRole('button', { name: 'Use both' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Tab');
  await expect(panel(page).getByRole('button', { name: 'Apply merge' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel(page)).toHaveCount(0);
  const want = 'title (mine)\n\nstep one\n\nstep 2 mine\nstep 2 disk\n\nfooter (disk)\n';
  await expect(content(page)).toHaveValue(want);
  await saved(page, 'merge-both');
  expect(onDisk('merge-both')).toBe(want);
});

test('Cancel closes the panel and changes nothing', async ({ page }) => {
  await reachConflict(page, 'merge-cancel', BASE_ONE, MINE_ONE, DISK_ONE);
  await dialog(page).getByRole('button', { name: MERGE, exact: true }).click();
  const block = panel(page).locator('.merge-conflict').first();
  await block.getByRole('button', { name: 'Use disk' }).click();
  await panel(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(panel(page)).toHaveCount(0);
  await expect(content(page)).toHaveValue(MINE_ONE);
  await expect(page.locator('.dirty-marker')).toHaveText('●');
  expect(onDisk('merge-cancel')).toBe(DISK_ONE);
  // Still on the old base: saving is a conflict again, never an overwrite.
  await saveButton(page).click();
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page).locator('[data-merge-conflicts]')).toHaveAttribute('data-merge-conflicts', '1');
  expect(onDisk('merge-cancel')).toBe(DISK_ONE);
});

test('after a reload restored the draft, Merge works from the draft\'s base', async ({ page }) => {
  await reachConflict(page, 'merge-draft', DOC, MINE_FAR, DISK_FAR);
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toBeHidden();
  page.on('dialog', (d) => void d.accept());
  await page.reload();
  await hydrated(page);
  await expect(content(page)).toHaveValue(MINE_FAR);
  await expect(page.getByRole('status')).toContainText('Restored unsaved edits from previous session');

  await saveButton(page).click();
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page).locator('[data-merge-conflicts]')).toHaveAttribute('data-merge-conflicts', '0');
  await dialog(page).getByRole('button', { name: MERGE, exact: true }).click();
  await expect(content(page)).toHaveValue(BOTH_FAR);
  // The draft follows the new base (the disk version), so a reload now would not conflict.
  const draft = JSON.parse((await page.evaluate((k) => sessionStorage.getItem(k), draftKey('skills', 'merge-draft'))) ?? 'null');
  expect(draft.content).toBe(BOTH_FAR);
  expect(draft.base_content).toBe(DISK_FAR);
  await saved(page, 'merge-draft');
  expect(onDisk('merge-draft')).toBe(BOTH_FAR);
});

test('the disk changing again between Merge and Save makes the Save a conflict again', async ({ page }) => {
  await reachConflict(page, 'merge-again', DOC, MINE_FAR, DISK_FAR);
  await dialog(page).getByRole('button', { name: MERGE, exact: true }).click();
  await expect(content(page)).toHaveValue(BOTH_FAR);
  const third = `${DISK_FAR}\nSigned: the agent\n`;
  writeDisk(workingFile('skills', 'merge-again'), third);
  // The live notice announces the change and pushes the page down: wait for it, or the click
  // can land where Save was a moment before (this test's old flake).
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await saveButton(page).click();
  await expect(dialog(page)).toBeVisible();
  // Never a silent overwrite.
  expect(onDisk('merge-again')).toBe(third);
  // And merging again takes the newest version in too.
  await expect(dialog(page).locator('[data-merge-conflicts]')).toHaveAttribute('data-merge-conflicts', '0');
  await dialog(page).getByRole('button', { name: MERGE, exact: true }).click();
  const all = `${BOTH_FAR}\nSigned: the agent\n`;
  await expect(content(page)).toHaveValue(all);
  await saved(page, 'merge-again');
  expect(onDisk('merge-again')).toBe(all);
});

test('Korean texts, and no serious accessibility violations in the dialog or the panel', async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: 'ctxgate_lang', value: 'ko', url: baseURL! }]);
  await reachConflict(page, 'merge-ko', BASE_ONE, MINE_ONE, DISK_ONE, '저장', '내용');
  const box = dialog(page);
  await expect(box.getByRole('button')).toHaveText(['다시 불러오기 (내 수정 버리기)', '병합', '비교 편집기 열기', '강제 저장 (덮어쓰기)']);
  await expect(box.locator('[data-merge-conflicts]')).toHaveText('병합하면 직접 결정해야 할 충돌 부분이 1개 남습니다.');
  expect(serious(await new AxeBuilder({ page }).include('#ctx-conflict-modal').analyze())).toEqual([]);

  await box.getByRole('button', { name: '병합', exact: true }).click();
  const merge = panel(page);
  await expect(merge).toHaveAttribute('aria-label', '병합');
  await expect(merge.locator('.merge-progress')).toHaveText('1개 중 0개 해결됨');
  const block = merge.locator('.merge-conflict').first();
  await expect(block.locator('.merge-choices').getByRole('button')).toHaveText(['내 것 사용', '디스크 것 사용', '둘 다 사용']);
  await expect(block.locator('summary')).toHaveText('원본');
  await expect(block).toContainText('내 수정 내용');
  await expect(block).toContainText('디스크의 현재 내용');
  await expect(merge.getByRole('button', { name: '병합 적용' })).toBeDisabled();
  await expect(merge.getByRole('button', { name: '취소' })).toBeVisible();
  expect(serious(await new AxeBuilder({ page }).include('#ctx-merge').analyze())).toEqual([]);
  // Decided and with the original open: still clean.
  await block.getByRole('button', { name: '둘 다 사용' }).click();
  await block.locator('summary').click();
  await expect(merge.locator('.merge-progress')).toHaveText('1개 중 1개 해결됨');
  expect(serious(await new AxeBuilder({ page }).include('#ctx-merge').analyze())).toEqual([]);
  await merge.getByRole('button', { name: '병합 적용' }).click();
  await page.getByRole('button', { name: '저장', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('"merge-ko" 저장됨');
});

for (const [width, height] of [
  [1280, 800],
  [800, 600],
]) {
  test(`at ${width}×${height} both panes sit inside the dialog and the differing lines are marked`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    // A long file with a very long line, and the first difference far down: the panes must
    // scroll (not widen the dialog) and open at the difference.
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i}: ${i === 3 ? 'wide '.repeat(120) : 'text'}`);
    const base = lines.join('\n') + '\n';
    const mine = base.replace('line 100: text', 'line 100: text, edited by me');
    const disk = base + 'appended on disk\n';
    await reachConflict(page, `merge-size-${width}`, base, mine, disk);
    const box = dialog(page);
    const outer = (await box.boundingBox())!;
    const panes = [box.locator('pre[aria-labelledby="ctx-pane-mine"]'), box.locator('pre[aria-labelledby="ctx-pane-disk"]')];
    const rects: { x: number; y: number; width: number; height: number }[] = [];
    for (const pane of panes) {
      const r = (await pane.boundingBox())!;
      rects.push(r);
      expect(r.x).toBeGreaterThanOrEqual(outer.x);
      expect(r.y).toBeGreaterThanOrEqual(outer.y);
      expect(r.x + r.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
      expect(r.y + r.height).toBeLessThanOrEqual(outer.y + outer.height + 0.5);
      // Long lines scroll inside the pane.
      expect(await pane.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    }
    // Side by side, sharing the width equally.
    expect(rects[1].x).toBeGreaterThan(rects[0].x + rects[0].width - 0.5);
    expect(Math.abs(rects[0].width - rects[1].width)).toBeLessThanOrEqual(1);
    // The dialog itself never scrolls sideways.
    expect(await box.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

    const added = panes[0].locator('.diff-add');
    const removed = panes[1].locator('.diff-del');
    await expect(added).toHaveText(['line 100: text, edited by me']);
    await expect(removed).toHaveText(['line 100: text', 'appended on disk']);
    await expect(panes[0].locator('.diff-del')).toHaveCount(0);
    await expect(panes[1].locator('.diff-add')).toHaveCount(0);
    // The panes still hold the exact texts.
    expect(await panes[0].evaluate((el) => el.textContent)).toBe(mine);
    expect(await panes[1].evaluate((el) => el.textContent)).toBe(disk);
    // Opened at the first difference: line 100 is in view inside each pane.
    for (const [pane, line] of [
      [panes[0], added.first()],
      [panes[1], removed.first()],
    ] as const) {
      await expect.poll(() => pane.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
      const p = (await pane.boundingBox())!;
      const l = (await line.boundingBox())!;
      expect(l.y).toBeGreaterThanOrEqual(p.y);
      expect(l.y + l.height).toBeLessThanOrEqual(p.y + p.height);
    }
  });
}
