import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import {
  collectErrors, content, createArtifact, dialog, draftKey, drift, hydrated, mtimeNs, openEditor, saveButton, serverLog, workingFile,
} from './helpers';

const RELOAD = 'Reload (discard my edits)';
const DIFF = 'Open diff editor';
const FORCE = 'Force save (overwrite)';

/** Opens a fresh skill, edits it, drifts the file on disk and clicks Save: the dialog opens. */
async function reachConflict(page: Page, name: string) {
  await createArtifact(page, 'skills', name, 'line one\nline two\n');
  await openEditor(page, 'skills', name);
  const staleMtime = mtimeNs(workingFile('skills', name));
  await content(page).fill('line one\nline two\nmine\n');
  drift(workingFile('skills', name));
  // The live notice pushes the page down as it appears: wait for it, or the click can land where
  // Save was a moment before.
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await saveButton(page).click();
  await expect(dialog(page)).toBeVisible();
  return staleMtime;
}

test('create, edit, dirty marker, Ctrl+S', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await hydrated(page);
  const form = page.locator('#new-skills');
  await form.getByLabel('Name').fill('../bad');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('.field-error')).toContainText('name may contain only');
  await form.getByLabel('Name').fill('walk');
  await form.getByLabel('Content').fill('line one\n');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/skills\/walk$/);
  await expect(content(page)).toHaveValue('line one\n');
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  await expect(page).toHaveTitle('walk — ctxgate');

  await content(page).fill('line one\nline two\n');
  await expect(page.locator('.dirty-marker')).toHaveText('●');
  await expect(page).toHaveTitle('● walk — ctxgate');
  // Ctrl+S from outside the textarea too
  await page.locator('h1').click();
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status')).toContainText('"walk" saved');
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  expect(fs.readFileSync(workingFile('skills', 'walk'), 'utf8')).toBe('line one\nline two\n');
  expect(errors).toEqual([]);
});

test('SSR puts the content in the textarea before the wasm loads', async ({ page }) => {
  await createArtifact(page, 'skills', 'ssr-check', 'a < b & "c"\n');
  const html = await (await page.request.get('/skills/ssr-check')).text();
  expect(html).toMatch(/<textarea[^>]*id="editor-content"[^>]*>\na &lt; b &amp; &quot;c&quot;\n<\/textarea>/);
  // markup in a file never escapes the textarea, and a leading newline survives the parser
  await createArtifact(page, 'skills', 'ssr-inject', '\n</textarea><b id="injected">x</b>\n');
  const inject = await (await page.request.get('/skills/ssr-inject')).text();
  expect(inject).toContain('&lt;/textarea&gt;&lt;b id=&quot;injected&quot;&gt;');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the server-rendered editor shows the exact text and nothing a file smuggles in', async ({ page }) => {
    await createArtifact(page, 'skills', 'ssr-nojs', '\n</textarea><b id="injected">x</b>\n');
    await page.goto('/skills/ssr-nojs');
    await expect(page.locator('#injected')).toHaveCount(0);
    await expect(page.getByLabel('Content', { exact: true })).toHaveValue('\n</textarea><b id="injected">x</b>\n');
  });
});

test('conflict dialog: shape, draft first, focus start, trap and Reload', async ({ page }) => {
  const errors = collectErrors(page);
  const staleMtime = await reachConflict(page, 'reload-me');
  const box = dialog(page);
  await expect(box).toHaveAttribute('role', 'alertdialog');
  await expect(page.getByRole('alertdialog', { name: 'This file changed on disk' })).toBeVisible();
  expect(await box.evaluate((d: HTMLDialogElement) => d.open && d.matches(':modal'))).toBe(true);
  await expect(box.locator('pre').nth(0)).toHaveText('line one\nline two\nmine\n');
  await expect(box.locator('pre').nth(1)).toHaveText('line one\nline two\ndrift\n');
  await expect(box.locator('h3')).toHaveText(['Your edits', 'Current on disk']);
  await expect(box.getByRole('button')).toHaveText([RELOAD, 'Merge', DIFF, FORCE]);
  await expect(box.getByRole('button', { name: FORCE })).toHaveClass(/danger/);
  await expect(saveButton(page)).toBeDisabled();

  // the draft was stashed before the dialog opened
  const draft = JSON.parse((await page.evaluate((k) => sessionStorage.getItem(k), draftKey('skills', 'reload-me'))) ?? 'null');
  expect(Object.keys(draft).sort()).toEqual(['base_content', 'base_etag', 'base_mtime_ns', 'content', 'saved_at']);
  expect(draft.content).toBe('line one\nline two\nmine\n');
  expect(draft.base_content).toBe('line one\nline two\n');
  expect(draft.base_mtime_ns).toBe(staleMtime);
  expect(draft.base_etag).toMatch(/^[0-9a-f]{64}$/);

  // focus starts on Reload and stays inside the dialog
  await expect(box.getByRole('button', { name: RELOAD })).toBeFocused();
  const inside = () => page.evaluate(() => !!document.activeElement?.closest('#ctx-conflict-modal'));
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect(await inside()).toBe(true);
  }
  await box.getByRole('button', { name: FORCE }).focus();
  await page.keyboard.press('Tab');
  expect(await inside()).toBe(true);
  await expect(box.getByRole('button', { name: FORCE })).not.toBeFocused();
  await box.locator('pre').first().focus();
  await page.keyboard.press('Shift+Tab');
  await expect(box.getByRole('button', { name: FORCE })).toBeFocused();

  await box.getByRole('button', { name: RELOAD }).click();
  await expect(box).toBeHidden();
  await expect(content(page)).toHaveValue('line one\nline two\ndrift\n');
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  expect(await page.evaluate((k) => sessionStorage.getItem(k), draftKey('skills', 'reload-me'))).toBeNull();
  await expect(saveButton(page)).toBeEnabled();
  // the reloaded tokens are fresh: the next save succeeds
  await content(page).fill('after reload\n');
  await saveButton(page).click();
  await expect(page.getByRole('status')).toContainText('"reload-me" saved');
  expect(fs.readFileSync(workingFile('skills', 'reload-me'), 'utf8')).toBe('after reload\n');
  expect(errors).toEqual([]);
});

test('Open diff editor: banner follows the buffer, then Save succeeds', async ({ page }) => {
  await reachConflict(page, 'diff-me');
  await dialog(page).getByRole('button', { name: DIFF }).click();
  await expect(dialog(page)).toBeHidden();
  const banner = page.locator('.diff-banner');
  await expect(banner.getByRole('heading')).toHaveText('Your edits ↔ Current on disk');
  await expect(banner.locator('.diff-add')).toHaveText(['+mine']);
  await expect(banner.locator('.diff-del')).toHaveText(['-drift']);
  expect(await banner.locator('.diff-lines').evaluate((el) => getComputedStyle(el).maxHeight)).toBe('200px');
  await expect(content(page)).toHaveValue('line one\nline two\nmine\n');
  await content(page).fill('line one\nline two\nmine\nmore\n');
  await expect(banner.locator('.diff-add')).toHaveText(['+mine', '+more']);
  await saveButton(page).click();
  await expect(page.getByRole('status')).toContainText('"diff-me" saved');
  await expect(banner).toHaveCount(0);
  expect(fs.readFileSync(workingFile('skills', 'diff-me'), 'utf8')).toBe('line one\nline two\nmine\nmore\n');
});

test('Force save overwrites and the audit log shows the original stale mtime', async ({ page }) => {
  const staleMtime = await reachConflict(page, 'force-me');
  const diskMtime = mtimeNs(workingFile('skills', 'force-me'));
  await dialog(page).getByRole('button', { name: FORCE }).click();
  await expect(page.getByRole('status')).toContainText('Force-saved over external changes');
  expect(fs.readFileSync(workingFile('skills', 'force-me'), 'utf8')).toBe('line one\nline two\nmine\n');
  await expect
    .poll(() => serverLog())
    .toContain(`force-save bypassed mtime check on ${fs.realpathSync(workingFile('skills', 'force-me'))} (client_mtime_ns=${staleMtime} server_mtime_ns=${diskMtime})`);
  expect(await page.evaluate((k) => sessionStorage.getItem(k), draftKey('skills', 'force-me'))).toBeNull();
});

test('Escape keeps buffer and draft, focus returns to Save; the draft survives a reload and stays guarded', async ({ page }) => {
  await reachConflict(page, 'escape-me');
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toBeHidden();
  await expect(content(page)).toHaveValue('line one\nline two\nmine\n');
  await expect(saveButton(page)).toBeEnabled();
  await expect(saveButton(page)).toBeFocused();
  expect(await page.evaluate((k) => sessionStorage.getItem(k), draftKey('skills', 'escape-me'))).not.toBeNull();
  expect(fs.readFileSync(workingFile('skills', 'escape-me'), 'utf8')).toBe('line one\nline two\ndrift\n');

  // leaving asks first (beforeunload); accept and the draft comes back
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await page.reload();
  await hydrated(page);
  expect(dialogs).toContain('beforeunload');
  await expect(content(page)).toHaveValue('line one\nline two\nmine\n');
  await expect(page.getByRole('status')).toContainText('Restored unsaved edits from previous session');
  await expect(page.locator('.dirty-marker')).toHaveText('●');
  // the draft kept its base tokens: saving over the changed file conflicts again
  await saveButton(page).click();
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page).locator('pre').nth(1)).toHaveText('line one\nline two\ndrift\n');
});

test('in-app links ask before leaving a dirty editor', async ({ page }) => {
  await createArtifact(page, 'skills', 'nav-guard', 'x\n');
  await openEditor(page, 'skills', 'nav-guard');
  await content(page).fill('x\ny\n');
  let answer = false;
  const seen: string[] = [];
  page.on('dialog', (d) => {
    seen.push(d.message());
    void (answer ? d.accept() : d.dismiss());
  });
  await page.getByRole('link', { name: 'All artifacts' }).click();
  await expect(page).toHaveURL(/\/skills\/nav-guard$/);
  await expect(content(page)).toHaveValue('x\ny\n');
  expect(seen[0]).toContain('unsaved');
  answer = true;
  await page.getByRole('link', { name: 'All artifacts' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('CRLF files are edited with LF and saved back with CRLF', async ({ page }) => {
  await openEditor(page, 'commands', 'test-all');
  const value = await content(page).inputValue();
  expect(value).not.toContain('\r');
  await content(page).fill(value + 'One more line.\n');
  await saveButton(page).click();
  await expect(page.getByRole('status')).toContainText('"test-all" saved');
  const bytes = fs.readFileSync(workingFile('commands', 'test-all'), 'utf8');
  expect(bytes.endsWith('One more line.\r\n')).toBe(true);
  expect(bytes.replace(/\r\n/g, '')).not.toContain('\n');
});

test('a browser that refuses storage gets the warning and the flow goes on', async ({ page }) => {
  await page.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
  });
  await reachConflict(page, 'no-storage');
  await expect(page.getByRole('status')).toContainText('Draft could not be saved locally — keep this tab open until you save.');
  await expect(dialog(page).getByRole('button', { name: RELOAD })).toBeFocused();
});

test('Korean after switching, kept across a reload and rendered by the server', async ({ page, context }) => {
  await createArtifact(page, 'skills', 'korean', 'x\n');
  await openEditor(page, 'skills', 'korean');
  await page.getByLabel('Language').selectOption('ko');
  await expect(saveButton(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: '저장', exact: true })).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'ctxgate_lang')?.value).toBe('ko');
  const html = await (await page.request.get('/skills/korean')).text();
  expect(html).toContain('>저장<');
  expect(html).toContain('>내용<');
  await hydrated(page);
  await page.getByLabel('내용', { exact: true }).fill('y\n');
  drift(workingFile('skills', 'korean'));
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await page.getByRole('button', { name: '저장', exact: true }).click();
  await expect(page.getByRole('alertdialog', { name: '디스크에서 파일이 변경되었습니다' })).toBeVisible();
  await expect(dialog(page).getByRole('button')).toHaveText(['다시 불러오기 (내 수정 버리기)', '병합', '비교 편집기 열기', '강제 저장 (덮어쓰기)']);
  await page.keyboard.press('Escape');
  await page.getByLabel('언어').selectOption('en');
});

test('accessibility: editor and open dialog have no serious or critical violations', async ({ page }) => {
  await createArtifact(page, 'skills', 'axe', 'check me\n');
  await openEditor(page, 'skills', 'axe');
  const serious = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) =>
    r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  expect(serious(await new AxeBuilder({ page }).analyze())).toEqual([]);
  await content(page).fill('changed\n');
  drift(workingFile('skills', 'axe'));
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await saveButton(page).click();
  await expect(dialog(page)).toBeVisible();
  expect(serious(await new AxeBuilder({ page }).include('#ctx-conflict-modal').analyze())).toEqual([]);
  await page.goto('/');
  await hydrated(page);
  expect(serious(await new AxeBuilder({ page }).analyze())).toEqual([]);
});

test('a save racing a delete says the file is gone and keeps buffer and draft', async ({ page }) => {
  await createArtifact(page, 'skills', 'gone', 'soon gone\n');
  await openEditor(page, 'skills', 'gone');
  await content(page).fill('precious edits\n');
  const deleted = await page.request.delete('/api/context/skills/gone');
  expect(deleted.status()).toBe(200);
  await saveButton(page).click();
  await expect(page.getByRole('status')).toContainText('"gone" no longer exists on disk');
  await expect(content(page)).toHaveValue('precious edits\n');
  await expect(saveButton(page)).toBeEnabled();
  const draft = JSON.parse((await page.evaluate((k) => sessionStorage.getItem(k), draftKey('skills', 'gone'))) ?? 'null');
  expect(draft.content).toBe('precious edits\n');
  expect(fs.existsSync(workingFile('skills', 'gone'))).toBe(false);
});
