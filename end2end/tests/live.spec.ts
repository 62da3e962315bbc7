import { test, expect, Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectErrors, content, createArtifact, openEditor, workingFile } from './helpers';

// SPEC §14: the editor knows the moment the disk changes.

/** Another program replaces the file (temp + rename). */
function writeExternal(file: string, text: string) {
  fs.writeFileSync(`${file}.ext-tmp`, text);
  fs.renameSync(`${file}.ext-tmp`, file);
}

/** The page's event stream is connected (the app marks `<html data-live>`). */
async function streamLive(page: Page) {
  await expect(page.locator('html[data-live]')).toHaveCount(1);
}

test('a clean editor follows an external write, with a toast and no dialog', async ({ page }) => {
  const errors = collectErrors(page);
  await createArtifact(page, 'skills', 'live-clean', 'first\n');
  await openEditor(page, 'skills', 'live-clean');
  await streamLive(page);
  writeExternal(workingFile('skills', 'live-clean'), 'written by an agent\n');
  await expect(content(page)).toHaveValue('written by an agent\n');
  await expect(page.getByRole('status')).toContainText('Reloaded — "live-clean" changed on disk');
  await expect(page.locator('#ctx-conflict-modal')).not.toBeVisible();
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  // The tokens followed too: a save now succeeds without a conflict.
  await content(page).fill('written by an agent\nand me\n');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('"live-clean" saved');
  expect(fs.readFileSync(workingFile('skills', 'live-clean'), 'utf8')).toBe('written by an agent\nand me\n');
  expect(errors).toEqual([]);
});

test('a dirty editor gets the notice; Compare shows the difference; Save stays guarded', async ({ page }) => {
  await createArtifact(page, 'agents', 'live-dirty', 'base\n');
  await openEditor(page, 'agents', 'live-dirty');
  await streamLive(page);
  await content(page).fill('base\nmine\n');
  writeExternal(workingFile('agents', 'live-dirty'), 'theirs\n');
  const notice = page.locator('#ctx-disk-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(notice).toContainText('This file changed on disk while you were editing.');
  await expect(content(page)).toHaveValue('base\nmine\n');
  await notice.getByRole('button', { name: 'Compare' }).click();
  await expect(page.locator('.diff-banner .diff-del')).toContainText('theirs');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#ctx-conflict-modal')).toBeVisible();
  expect(fs.readFileSync(workingFile('agents', 'live-dirty'), 'utf8')).toBe('theirs\n');
});

test('an external delete shows the notice; Recreate writes the buffer back', async ({ page }) => {
  await createArtifact(page, 'commands', 'live-gone', 'keep me\n');
  await openEditor(page, 'commands', 'live-gone');
  await streamLive(page);
  await content(page).fill('keep me\nand this\n');
  fs.rmSync(path.dirname(workingFile('commands', 'live-gone')), { recursive: true });
  const notice = page.locator('#ctx-disk-notice');
  await expect(notice).toContainText('This file was deleted on disk.');
  await notice.getByRole('button', { name: 'Recreate' }).click();
  await expect(notice).toHaveCount(0);
  await expect.poll(() => fs.existsSync(workingFile('commands', 'live-gone'))).toBe(true);
  expect(fs.readFileSync(workingFile('commands', 'live-gone'), 'utf8')).toBe('keep me\nand this\n');
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
});

test('two tabs on one file: a save in one, the clean other follows', async ({ page, context }) => {
  await createArtifact(page, 'skills', 'two-tabs', 'v1\n');
  const other = await context.newPage();
  await openEditor(page, 'skills', 'two-tabs');
  await openEditor(other, 'skills', 'two-tabs');
  await streamLive(page);
  await streamLive(other);
  await content(page).fill('v2 from tab one\n');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('"two-tabs" saved');
  await expect(content(other)).toHaveValue('v2 from tab one\n');
  await expect(other.locator('.dirty-marker')).toHaveCount(0);
  await other.close();
});

test('the list page shows a skill another process created, and a half-typed New form survives', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await streamLive(page);
  const form = page.locator('#new-agents');
  await form.getByLabel('Name').fill('half-typed');
  const folder = path.join(process.env.CTXGATE_E2E_ROOT as string, '.memtomem/skills/from-elsewhere');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'SKILL.md'), '# made by another program\n');
  await expect(page.locator('#type-skills').getByRole('link', { name: 'from-elsewhere' })).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveValue('half-typed');
  fs.rmSync(folder, { recursive: true });
  await expect(page.locator('#type-skills').getByRole('link', { name: 'from-elsewhere' })).toHaveCount(0);
});

test('Merge now with a change elsewhere in the file puts both in the buffer', async ({ page }) => {
  await createArtifact(page, 'skills', 'live-merge', 'top\nmiddle\nbottom\n');
  await openEditor(page, 'skills', 'live-merge');
  await streamLive(page);
  await content(page).fill('top\nmiddle\nbottom, edited here\n');
  writeExternal(workingFile('skills', 'live-merge'), 'top, edited by an agent\nmiddle\nbottom\n');
  const notice = page.locator('#ctx-disk-notice');
  await notice.getByRole('button', { name: 'Merge now' }).click();
  await expect(content(page)).toHaveValue('top, edited by an agent\nmiddle\nbottom, edited here\n');
  await expect(page.getByRole('status')).toContainText('Merged with the version on disk — review and Save.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('"live-merge" saved');
  expect(fs.readFileSync(workingFile('skills', 'live-merge'), 'utf8')).toBe('top, edited by an agent\nmiddle\nbottom, edited here\n');
});
