import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import { collectErrors, content, createArtifact, hydrated, openEditor, workingFile } from './helpers';

function recentlyDeleted(page: Page) {
  return page.getByRole('region', { name: 'Recently deleted' });
}
function panel(page: Page) {
  return page.locator('#ctx-history');
}

/** Deletes an artifact with the list page's Delete button, accepting its confirmation. */
async function deleteFromList(page: Page, type: string, name: string) {
  page.once('dialog', (d) => void d.accept());
  await page.locator(`#type-${type} li`, { hasText: name }).getByRole('button', { name: `Delete ${name}` }).click();
  await expect(page.getByRole('status')).toContainText(`"${name}" deleted`);
}

/** Saves `text` over the artifact through REST with its current tokens: one more history entry. */
async function putVersion(page: Page, type: string, name: string, text: string) {
  const current = await (await page.request.get(`/api/context/${type}/${name}`)).json();
  const resp = await page.request.put(`/api/context/${type}/${name}`, {
    data: { content: text, mtime_ns: current.mtime_ns, etag: current.etag },
  });
  expect(resp.status()).toBe(200);
}

const serious = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) =>
  r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);

test('a deleted artifact shows under Recently deleted and Restore brings back its exact bytes', async ({ page }) => {
  const errors = collectErrors(page);
  // CRLF and non-ASCII: the restored file must be the same bytes, not a re-encoded copy.
  await createArtifact(page, 'skills', 'trash-me', 'first line\r\nsecond — 둘째\n');
  const file = workingFile('skills', 'trash-me');
  const before = fs.readFileSync(file);
  await page.goto('/');
  await hydrated(page);
  await deleteFromList(page, 'skills', 'trash-me');
  expect(fs.existsSync(file)).toBe(false);

  const item = recentlyDeleted(page).locator('li', { hasText: 'trash-me' });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Skills');
  await expect(item.locator('time')).toHaveText('just now');
  await item.getByRole('button', { name: 'Restore trash-me' }).click();

  await expect(page).toHaveURL(/\/skills\/trash-me$/);
  await hydrated(page);
  await expect(page.getByRole('status')).toContainText('"trash-me" restored');
  await expect(content(page)).toHaveValue(before.toString('utf8').replace(/\r\n/g, '\n'));
  expect(fs.readFileSync(file).equals(before)).toBe(true);

  // Restored items leave the trash.
  await page.goto('/');
  await hydrated(page);
  await expect(page.locator('#type-skills li', { hasText: 'trash-me' })).toHaveCount(1);
  await expect(page.locator('#recently-deleted li', { hasText: 'trash-me' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('restoring over a name that is taken again says so and keeps both', async ({ page }) => {
  await createArtifact(page, 'agents', 'taken-again', 'old agent\n');
  await page.goto('/');
  await hydrated(page);
  await deleteFromList(page, 'agents', 'taken-again');
  // Someone creates the name again before the restore.
  await createArtifact(page, 'agents', 'taken-again', 'new agent\n');
  // by id: the region's name changes with the language below
  const item = page.locator('#recently-deleted li', { hasText: 'taken-again' });
  await item.getByRole('button', { name: 'Restore taken-again' }).click();
  await expect(page.getByRole('status')).toContainText('Cannot restore "taken-again": that name is taken.');
  await expect(page).toHaveURL(/\/$/);
  await expect(item.getByRole('button', { name: 'Restore taken-again' })).toBeEnabled();
  expect(fs.readFileSync(workingFile('agents', 'taken-again'), 'utf8')).toBe('new agent\n');

  // The section speaks Korean too.
  await page.getByLabel('Language').selectOption('ko');
  await expect(page.getByRole('region', { name: '최근 삭제됨' })).toBeVisible();
  await expect(item.getByRole('button', { name: 'taken-again 복원' })).toHaveText('복원');
  await page.getByLabel('언어').selectOption('en');
});

test('the list page with Recently deleted has no serious or critical accessibility violations', async ({ page }) => {
  await createArtifact(page, 'commands', 'axe-trash', 'x\n');
  await page.goto('/');
  await hydrated(page);
  await deleteFromList(page, 'commands', 'axe-trash');
  await expect(recentlyDeleted(page).locator('li', { hasText: 'axe-trash' })).toHaveCount(1);
  expect(serious(await new AxeBuilder({ page }).include('#recently-deleted').analyze())).toEqual([]);
});

// Needs the lead's wiring: the editor's "History" button mounting `HistoryPanel`
// (app/src/ui/history.rs) with `on_restore` putting the text into the buffer and the Save sending
// `restored_from`.
test('History lists the kept versions; Restore into editor + Save records a "restore" entry', async ({ page }) => {
  const errors = collectErrors(page);
  await createArtifact(page, 'skills', 'hist-panel', 'version one\n');
  await putVersion(page, 'skills', 'hist-panel', 'version two\n');
  await putVersion(page, 'skills', 'hist-panel', 'version three\n');
  await openEditor(page, 'skills', 'hist-panel');

  const opener = page.getByRole('button', { name: 'History', exact: true });
  await opener.click();
  await expect(panel(page)).toBeVisible();
  await expect(page.getByRole('region', { name: 'History' })).toBeVisible();
  const entries = panel(page).locator('li');
  // newest first: the text replaced by the second save, then the first
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toHaveAttribute('data-reason', 'save');
  await expect(entries.first()).toContainText('just now');
  await expect(entries.first()).toContainText('save');

  await entries.last().getByRole('button').click();
  await expect(entries.last().getByRole('button')).toHaveAttribute('aria-pressed', 'true');
  await expect(panel(page).locator('.diff-add')).toHaveText(['+version one']);
  await expect(panel(page).locator('.diff-del')).toHaveText(['-version three']);
  expect(serious(await new AxeBuilder({ page }).include('#ctx-history').analyze())).toEqual([]);

  await panel(page).getByRole('button', { name: 'Restore into editor' }).click();
  await expect(content(page)).toHaveValue('version one\n');
  await expect(page.locator('.dirty-marker')).toHaveText('●');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('"hist-panel" saved');
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  expect(fs.readFileSync(workingFile('skills', 'hist-panel'), 'utf8')).toBe('version one\n');

  const history = await (await page.request.get('/api/context/skills/hist-panel/history')).json();
  expect(history.entries[0].reason).toBe('restore');
  const replaced = await (await page.request.get(`/api/context/skills/hist-panel/history/${history.entries[0].id}`)).json();
  expect(replaced.content).toBe('version three\n');

  // Keyboard: Escape inside the panel closes it and gives focus back to the History button.
  if (!(await panel(page).isVisible())) await opener.click();
  await expect(panel(page).locator('li')).toHaveCount(3);
  await panel(page).locator('li').first().getByRole('button').focus();
  await page.keyboard.press('Escape');
  await expect(panel(page)).toHaveCount(0);
  await expect(opener).toBeFocused();
  expect(errors).toEqual([]);
});
