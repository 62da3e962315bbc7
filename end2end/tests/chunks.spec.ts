// Each page's components are a wasm chunk of their own (lazy routes, `cargo leptos build
// --split`): hydration waits only for the page's chunk; the other page's follows in the
// background, so a later click never needs to download code.
import { test, expect } from '@playwright/test';
import { collectErrors, content, createArtifact, openEditor } from './helpers';

const chunkName = (url: string) => new URL(url).pathname.split('/').pop() as string;

test("the editor hydrates from its own chunk; the list's arrives after, and a click needs no download", async ({ page }) => {
  const errors = collectErrors(page);
  await createArtifact(page, 'skills', 'chunked', 'one chunk at a time\n');
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(chunkName(r.url()));
  });
  const listChunk = page.waitForResponse((r) => /\/split___home_route_view_\d+\.wasm$/.test(r.url()));
  await openEditor(page, 'skills', 'chunked');
  await expect(content(page)).toHaveValue('one chunk at a time\n');
  expect((await listChunk).status()).toBe(200);
  expect(wasm[0]).toBe('ctxgate.wasm');
  expect(wasm.some((w) => /^split___editor_route_view_\d+\.wasm$/.test(w))).toBe(true);

  // From here on no code can be fetched: the list page must come from what is loaded.
  const refused: string[] = [];
  await page.route('**/pkg/**', (route) => {
    refused.push(route.request().url());
    return route.abort();
  });
  await page.getByRole('link', { name: 'All artifacts' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('#new-skills').getByRole('button', { name: 'Create' })).toBeVisible();
  await page.getByLabel('Filter').fill('chunked');
  await expect(page.locator('#type-skills li')).toHaveText([/^chunked/]);
  // ...and back to the editor, whose chunk is in memory too.
  await page.locator('#type-skills li a', { hasText: 'chunked' }).first().click();
  await expect(content(page)).toHaveValue('one chunk at a time\n');
  expect(refused).toEqual([]);
  expect(errors).toEqual([]);
});

test("each page names its own chunks for preloading, so they download beside the entry wasm", async ({ request }) => {
  const preloads = (html: string) =>
    [...html.matchAll(/<link rel="preload" href="\/pkg\/[0-9a-f]{16}\/([^"]+\.wasm)" as="fetch" type="application\/wasm" crossorigin="anonymous"/g)].map((m) => m[1]);
  const editor = preloads(await (await request.get('/skills/code-review')).text());
  const list = preloads(await (await request.get('/')).text());
  expect(editor.filter((c) => /^split___editor_route_view_\d+\.wasm$/.test(c))).toHaveLength(1);
  expect(list.filter((c) => /^split___home_route_view_\d+\.wasm$/.test(c))).toHaveLength(1);
  expect(editor.some((c) => c.startsWith('split___home'))).toBe(false);
  expect(list.some((c) => c.startsWith('split___editor'))).toBe(false);
  // The chunk both pages use, and the script that loads chunks.
  const shared = editor.filter((c) => list.includes(c));
  expect(shared.length).toBeGreaterThan(0);
  const html = await (await request.get('/agents/planner')).text();
  expect(html).toMatch(/<link rel="modulepreload" href="\/pkg\/[0-9a-f]{16}\/__wasm_split\.[_]+\.js"/);
  // A page no route has loads no chunk.
  expect(preloads(await (await request.get('/no/such/page')).text())).toEqual([]);
});
