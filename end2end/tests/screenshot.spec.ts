// Makes docs/conflict-dialog.png (shown in README.md and docs/USING.md) from the real app, so the
// picture stays true: a real conflict on a real file, at 1280×800.
import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectErrors, createArtifact, drift, openEditor, workingFile } from './helpers';

test('the conflict dialog, for the docs', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  // A fixed name keeps the picture the same from run to run (a reused server may have it already).
  const name = 'release-checklist';
  expect((await page.request.delete(`/api/context/skills/${name}`)).status()).toBe(200);
  const base = [
    '---', `name: ${name}`, 'description: What to check before tagging a release.', '---', '',
    '# Release checklist', '', '1. Run the full test suite.', '2. Update the changelog.',
    '3. Bump the version number.', '4. Tag the commit and push the tag.', '',
  ].join('\n');
  await createArtifact(page, 'skills', name, base);
  await openEditor(page, 'skills', name);
  // Mine: one step reworded; meanwhile an agent appended a step on disk.
  await page.getByLabel('Content', { exact: true }).fill(base.replace('2. Update the changelog.', '2. Update the changelog and the migration notes.'));
  drift(workingFile('skills', name), '5. Announce the release in the team channel.\n');
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const dialog = page.locator('#ctx-conflict-modal');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-merge-conflicts]')).toHaveAttribute('data-merge-conflicts', '0');
  const out = path.join(__dirname, '..', '..', 'docs', 'conflict-dialog.png');
  await page.screenshot({ path: out, animations: 'disabled' });
  expect(fs.statSync(out).size).toBeGreaterThan(10_000);
  expect(errors).toEqual([]);
});
