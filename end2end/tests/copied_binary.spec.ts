// The server under test is a copy of the release binary in a temp folder outside the checkout,
// started with an empty environment from inside the project (playwright.config.ts). These tests
// make that explicit: the page's assets come out of the binary itself, and the editor works
// through one save and one conflict.
import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectErrors, createArtifact, drift, openEditor, workingFile } from './helpers';

const checkout = path.resolve(__dirname, '..', '..');

test('the copied binary lives outside the checkout and serves its own hashed, cacheable assets', async ({ page, request }) => {
  const bin = process.env.CTXGATE_E2E_BIN as string;
  expect(fs.existsSync(bin)).toBe(true);
  expect(path.resolve(bin).startsWith(checkout + path.sep)).toBe(false);

  const html = await (await request.get('/')).text();
  const js = html.match(/\/pkg\/([0-9a-f]{16})\/ctxgate\.js/);
  expect(js, 'the page loads its script from /pkg/<build>/').not.toBeNull();
  const build = js![1];
  expect(html).toContain(`/pkg/${build}/ctxgate.css`);

  const wasm = await request.get(`/pkg/${build}/ctxgate.wasm`, { headers: { 'accept-encoding': 'br' } });
  expect(wasm.status()).toBe(200);
  expect(wasm.headers()['content-type']).toBe('application/wasm');
  expect(wasm.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  const etag = wasm.headers()['etag'];
  expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
  const again = await request.get(`/pkg/${build}/ctxgate.wasm`, {
    headers: { 'accept-encoding': 'br', 'if-none-match': etag },
  });
  expect(again.status()).toBe(304);
  expect((await request.get('/favicon.ico')).status()).toBe(200);

  // The browser really hydrates from them.
  const errors = collectErrors(page);
  const loaded: string[] = [];
  page.on('response', (r) => loaded.push(new URL(r.url()).pathname));
  await page.goto('/');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  expect(loaded).toContain(`/pkg/${build}/ctxgate.wasm`);
  expect(errors).toEqual([]);
});

test('the copied binary: one save and one conflict in the editor', async ({ page }) => {
  const errors = collectErrors(page);
  const name = `copied-${Date.now().toString(36)}`;
  await createArtifact(page, 'skills', name, 'line one\n');
  await openEditor(page, 'skills', name);
  const content = page.getByLabel('Content', { exact: true });
  const save = page.getByRole('button', { name: 'Save', exact: true });

  await content.fill('line one\nsaved from the copied binary\n');
  await save.click();
  await expect(page.getByRole('status')).toContainText(`"${name}" saved`);
  expect(fs.readFileSync(workingFile('skills', name), 'utf8')).toBe('line one\nsaved from the copied binary\n');

  await content.fill('line one\nsaved from the copied binary\nmine\n');
  drift(workingFile('skills', name), 'written by another program\n');
  await expect(page.locator('#ctx-disk-notice')).toBeVisible();
  await save.click();
  const dialog = page.locator('#ctx-conflict-modal');
  await expect(dialog).toBeVisible();
  // Refused: the other program's line is still on disk, mine is not.
  const theirs = 'line one\nsaved from the copied binary\nwritten by another program\n';
  expect(fs.readFileSync(workingFile('skills', name), 'utf8')).toBe(theirs);
  await dialog.getByRole('button', { name: 'Reload (discard my edits)' }).click();
  await expect(content).toHaveValue(theirs);
  expect(errors).toEqual([]);
});
