import { test, expect, Page } from '@playwright/test';
import * as fs from 'node:fs';
import {
  collectErrors, content, createArtifact, hydrated, openEditor, saveButton, workingFile,
} from './helpers';

// SPEC §6 "Nothing typed is ever dropped", "A save changes only what the user changed", force
// never overwrites a version nobody saw, Ctrl+S on any layout, reasons in the user's language.

/** Replaces the file the way editors do (temp + rename), mtime moved on for coarse clocks. */
function writeExternal(file: string, text: string) {
  fs.writeFileSync(`${file}.ext-tmp`, text);
  fs.renameSync(`${file}.ext-tmp`, file);
  const later = new Date(Date.now() + 2000);
  fs.utimesSync(file, later, later);
}

test('text typed before hydration is kept, marks the page dirty and is saved', async ({ page }) => {
  const errors = collectErrors(page);
  await createArtifact(page, 'skills', 'early-typist', 'from disk\n');
  // Hold the wasm back until the test has typed.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/pkg/**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/skills/early-typist');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(0);
  await content(page).fill('typed before the wasm arrived\n');
  release();
  await hydrated(page);
  await expect(content(page)).toHaveValue('typed before the wasm arrived\n');
  await expect(page.locator('.dirty-marker')).toHaveText('●');
  await saveButton(page).click();
  await expect(page.getByRole('status')).toContainText('"early-typist" saved');
  expect(fs.readFileSync(workingFile('skills', 'early-typist'), 'utf8')).toBe('typed before the wasm arrived\n');
  expect(errors).toEqual([]);
});

test('text typed into the New form before hydration is kept and created', async ({ page }) => {
  const errors = collectErrors(page);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/pkg/**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(0);
  const form = page.locator('#new-commands');
  await form.getByLabel('Name').fill('early-new');
  await form.getByLabel('Content').fill('typed early\n');
  release();
  await hydrated(page);
  await expect(form.getByLabel('Name')).toHaveValue('early-new');
  await expect(form.getByLabel('Content')).toHaveValue('typed early\n');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/commands\/early-new$/);
  expect(fs.readFileSync(workingFile('commands', 'early-new'), 'utf8')).toBe('typed early\n');
  expect(errors).toEqual([]);
});

test('a Ctrl+click on a link opens no prompt and keeps the guard armed', async ({ page, context }) => {
  await createArtifact(page, 'skills', 'guard-armed', 'text\n');
  await openEditor(page, 'skills', 'guard-armed');
  await content(page).fill('unsaved\n');
  const link = page.getByRole('link', { name: 'All artifacts' });
  // A user who answers OK to whatever is asked while opening the list in another tab.
  const asked: string[] = [];
  let answer: 'accept' | 'dismiss' = 'accept';
  page.on('dialog', (d) => {
    asked.push(d.type());
    void (answer === 'accept' ? d.accept() : d.dismiss());
  });
  const opened = context.waitForEvent('page');
  await link.click({ modifiers: ['Control'] });
  await (await opened).close();
  expect(asked).toEqual([]);
  await expect(page).toHaveURL(/\/skills\/guard-armed$/);
  // Still armed: a plain click asks, and "stay" keeps the page and the edits...
  answer = 'dismiss';
  await link.click();
  await expect.poll(() => asked).toEqual(['confirm']);
  await expect(page).toHaveURL(/\/skills\/guard-armed$/);
  await expect(content(page)).toHaveValue('unsaved\n');
  // ...and closing the tab asks too; "stay" keeps it open.
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked).toEqual(['confirm', 'beforeunload']);
  expect(page.isClosed()).toBe(false);
  await expect(content(page)).toHaveValue('unsaved\n');
});

test('force save after a second external change shows the newest disk text instead', async ({ page }) => {
  await createArtifact(page, 'skills', 'force-twice', 'base\n');
  await openEditor(page, 'skills', 'force-twice');
  const file = workingFile('skills', 'force-twice');
  await content(page).fill('mine\n');
  writeExternal(file, 'first external\n');
  // Wait for the live notice: it pushes the page down as it appears.
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await saveButton(page).click();
  const dialog = page.locator('#ctx-conflict-modal');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('first external');
  // The disk moves again while the dialog is open.
  writeExternal(file, 'second external\n');
  await page.getByRole('button', { name: 'Force save (overwrite)' }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('second external');
  expect(fs.readFileSync(file, 'utf8')).toBe('second external\n');
  // Forcing over what is now shown works.
  await page.getByRole('button', { name: 'Force save (overwrite)' }).click();
  await expect(page.getByRole('status')).toContainText('Force-saved over external changes');
  expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');
});

test('a mixed-line-ending file: open clean, edit one line, only that line changes', async ({ page }) => {
  const original = 'one\r\ntwo\nthree\rfour\r\nfive';
  await createArtifact(page, 'commands', 'mixed-endings', original);
  await openEditor(page, 'commands', 'mixed-endings');
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  // An unchanged buffer's Ctrl+S writes nothing.
  const before = fs.statSync(workingFile('commands', 'mixed-endings'), { bigint: true }).mtimeNs;
  await page.locator('h1').click();
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status')).toContainText('saved');
  expect(fs.statSync(workingFile('commands', 'mixed-endings'), { bigint: true }).mtimeNs).toBe(before);
  expect(fs.readFileSync(workingFile('commands', 'mixed-endings'), 'utf8')).toBe(original);
  await content(page).fill('one\ntwo\nthree!\nfour\nfive');
  await expect(page.locator('.dirty-marker')).toHaveCount(1);
  await saveButton(page).click();
  // The toast of the first save may still show: the marker going away is this save's answer.
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  expect(fs.readFileSync(workingFile('commands', 'mixed-endings'), 'utf8')).toBe('one\r\ntwo\nthree!\rfour\r\nfive');
});

test('Ctrl+S works on a Korean keyboard layout (physical key S); AltGr+S still types', async ({ page }) => {
  await createArtifact(page, 'agents', 'korean-keys', 'a\n');
  await openEditor(page, 'agents', 'korean-keys');
  await content(page).fill('b\n');
  // dispatchEvent answers false when a handler prevented the default, i.e. took the key.
  const press = (init: KeyboardEventInit) =>
    page.evaluate((init) => window.dispatchEvent(new KeyboardEvent('keydown', { ...init, bubbles: true, cancelable: true })), init);
  // AltGr arrives as Ctrl+Alt (Windows); AltGr+S is the letter ś on a Polish layout, not Save.
  expect(await press({ key: 'ś', code: 'KeyS', ctrlKey: true, altKey: true })).toBe(true);
  expect(await press({ key: 'ㄴ', code: 'KeyS', ctrlKey: true })).toBe(false);
  await expect(page.getByRole('status')).toContainText('"korean-keys" saved');
  expect(fs.readFileSync(workingFile('agents', 'korean-keys'), 'utf8')).toBe('b\n');
});

test('a duplicate name is refused in Korean on the list page', async ({ page, context }) => {
  await createArtifact(page, 'agents', 'taken-ko', 'x\n');
  await context.addCookies([{ name: 'ctxgate_lang', value: 'ko', url: 'http://127.0.0.1' }]);
  await page.goto('/');
  await hydrated(page);
  const form = page.locator('#new-agents');
  await form.getByLabel('이름').fill('taken-ko');
  await form.getByRole('button', { name: '만들기' }).click();
  await expect(form.locator('.field-error')).toHaveText('이미 사용 중인 이름입니다.');
  await expect(page).toHaveURL(/\/$/);
  expect(fs.readFileSync(workingFile('agents', 'taken-ko'), 'utf8')).toBe('x\n');
});

test('a refused save says why in Korean', async ({ page, context }) => {
  await createArtifact(page, 'skills', 'too-big-ko', 'x\n');
  await context.addCookies([{ name: 'ctxgate_lang', value: 'ko', url: 'http://127.0.0.1' }]);
  await page.goto('/skills/too-big-ko');
  await hydrated(page);
  // A body over 4 MiB: the server refuses it (413) and the reason is shown in Korean.
  await page.getByLabel('내용', { exact: true }).evaluate((el: HTMLTextAreaElement) => {
    el.value = 'y'.repeat(4 * 1024 * 1024 + 10);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.getByRole('button', { name: '저장', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('너무 큽니다');
  expect(fs.readFileSync(workingFile('skills', 'too-big-ko'), 'utf8')).toBe('x\n');
});
