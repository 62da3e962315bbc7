import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import { collectErrors, hydrated, projectFile } from './helpers';

test('the list page is rendered on the server and the filter works after hydration', async ({ page }) => {
  const errors = collectErrors(page);
  // Server-rendered HTML already lists the demo artifacts, before any wasm runs.
  const html = await (await page.request.get('/')).text();
  expect(html).toContain('code-review');
  expect(html).toContain('reviewer');

  // other tests may have created artifacts: count what the API lists
  let total = 0;
  for (const type of ['skills', 'agents', 'commands']) {
    total += (await (await page.request.get(`/api/context/${type}`)).json())[type].length;
  }
  await page.goto('/');
  await hydrated(page);
  await expect(page.locator('#shown-count')).toHaveText(`${total} of ${total} shown`);
  await page.getByLabel('Filter').fill('code-rev');
  await expect(page.locator('#shown-count')).toHaveText(`1 of ${total} shown`);
  await page.getByLabel('Filter').fill('review');
  await expect(page.locator('#type-skills li')).toHaveText([/^code-review/]);
  await expect(page.locator('#type-agents li')).toHaveText([/^reviewer/]);
  await expect(page.locator('#type-commands li')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the page hydrates under its Content-Security-Policy', async ({ page }) => {
  const errors = collectErrors(page);
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'nonce-");
  expect(csp).not.toContain('unsafe-inline');
  await hydrated(page);
  await page.getByLabel('Filter').fill('deploy');
  await expect(page.locator('#type-commands li')).toHaveText([/^deploy/]);
  // a CSP violation would show up as a console error
  expect(errors).toEqual([]);
});

test('delete asks first; the server refuses a duplicate name inline', async ({ page }) => {
  await page.request.post('/api/context/agents', { data: { name: 'to-delete', content: 'bye\n' } });
  await page.goto('/');
  await hydrated(page);
  const row = page.locator('#type-agents li', { hasText: 'to-delete' });
  const questions: string[] = [];
  let accept = false;
  page.on('dialog', (d) => {
    questions.push(d.message());
    void (accept ? d.accept() : d.dismiss());
  });
  await row.getByRole('button', { name: 'Delete to-delete' }).click();
  expect(questions[0]).toContain('Delete "to-delete"? It goes to Recently deleted, where it can be restored.');
  await expect(row).toHaveCount(1);
  expect(fs.existsSync(projectFile('.memtomem/agents/to-delete/agent.md'))).toBe(true);
  accept = true;
  await row.getByRole('button', { name: 'Delete to-delete' }).click();
  await expect(page.getByRole('status')).toContainText('"to-delete" deleted');
  await expect(row).toHaveCount(0);
  expect(fs.existsSync(projectFile('.memtomem/agents/to-delete'))).toBe(false);

  const form = page.locator('#new-agents');
  await form.getByLabel('Name').fill('planner');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(form.locator('.field-error')).toHaveText('That name is taken already.');
  await expect(page).toHaveURL(/\/$/);
});
