import { test, expect, Page } from '@playwright/test';
import * as fs from 'node:fs';
import { content, createArtifact, openEditor, workingFile } from './helpers';

// SPEC §13 with §6: a force save keeps what it overwrote, and the UI brings it back.

test('force save → toast → History shows the overwritten text → Restore → Save brings it back', async ({ page }) => {
  await createArtifact(page, 'agents', 'forced-back', 'base\n');
  await openEditor(page, 'agents', 'forced-back');
  const file = workingFile('agents', 'forced-back');
  await content(page).fill('mine\n');
  fs.writeFileSync(`${file}.tmp`, 'their careful work\n');
  fs.renameSync(`${file}.tmp`, file);
  // Wait for the live notice: it pushes the page down as it appears.
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#ctx-conflict-modal')).toBeVisible();
  await page.getByRole('button', { name: 'Force save (overwrite)' }).click();
  await expect(page.getByRole('status')).toContainText(
    'Force-saved over external changes — the overwritten version is kept in History');
  expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');

  await page.getByRole('button', { name: 'History', exact: true }).click();
  const panel = page.locator('#ctx-history');
  const forced = panel.locator('li[data-reason="force"]');
  await expect(forced).toHaveCount(1);
  await forced.getByRole('button').click();
  await expect(panel.locator('.diff-add')).toContainText(['their careful work']);
  await panel.getByRole('button', { name: 'Restore into editor' }).click();
  await expect(content(page)).toHaveValue('their careful work\n');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.dirty-marker')).toHaveCount(0);
  expect(fs.readFileSync(file, 'utf8')).toBe('their careful work\n');

  // The version the restore replaced is in History too.
  const history = await (await page.request.get('/api/context/agents/forced-back/history')).json();
  expect(history.entries[0].reason).toBe('restore');
  const replaced = await (await page.request.get(`/api/context/agents/forced-back/history/${history.entries[0].id}`)).json();
  expect(replaced.content).toBe('mine\n');
  // memtomem's own Versions got the overwritten text as well (folder-layout agent).
  expect(fs.readFileSync(file.replace(/agent\.md$/, 'versions/v1.md'), 'utf8')).toBe('their careful work\n');
});
