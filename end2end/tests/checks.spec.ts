import { test, expect, Page } from '@playwright/test';
import { collectErrors, content, createArtifact, hydrated, openEditor } from './helpers';

// docs/CHECKS.md in the UI: the findings under the text as it is typed, the jump to a line, the
// sentence beside Save, the list's badge and the sync toast. Fresh names per run.

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const unique = (what: string) => `chk-${what}-${run}`;
const EMPTY_DESCRIPTION = (name: string) => `---\nname: ${name}\ndescription: ""\n---\n# Body\n`;
const VALID = (name: string) => `---\nname: ${name}\ndescription: Checks things.\n---\n# Body\n`;

function heading(page: Page) {
  return page.locator('#ctx-checks .checks-heading');
}

test('findings follow the typing, name who refuses, and jump to their line', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('editor');
  await createArtifact(page, 'skills', name, EMPTY_DESCRIPTION(name));
  await openEditor(page, 'skills', name);

  await expect(heading(page)).toHaveAttribute('data-errors', '1');
  const finding = page.locator('#ctx-checks li.finding[data-rule="skill-description-empty"]');
  await expect(finding).toHaveAttribute('data-line', '3');
  await expect(finding).toContainText('Line 3');
  await expect(finding).toContainText('Not loaded by Agent Skills spec, Codex, Qwen Code');
  await expect(page.locator('#ctx-save-warning')).toHaveText('Agent Skills spec, Codex, Qwen Code will not load this');
  await expect(page.locator('.gutter')).toHaveText(/^1\n2\n3\n4\n5/);

  // Typing a fix clears it, Save stays allowed either way.
  await content(page).fill(VALID(name));
  await expect(heading(page)).toHaveText('Checks: No problems found');
  await expect(page.locator('#ctx-save-warning')).toHaveCount(0);

  // A new problem on line 4; clicking it puts the caret at the start of line 4.
  await content(page).fill(`---\nname: ${name}\ndescription: ok\nmetadata: just-a-string\n---\nbody\n`);
  const metadata = page.locator('#ctx-checks li.finding[data-rule="skill-metadata-map"]');
  await expect(metadata).toHaveAttribute('data-line', '4');
  await content(page).evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 0));
  await metadata.getByRole('button', { name: 'Line 4' }).click();
  const caret = await content(page).evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);
  const lineStart = `---\nname: ${name}\ndescription: ok\n`.length;
  expect(caret).toEqual([lineStart, lineStart]);
  await expect(content(page)).toBeFocused();
  expect(errors).toEqual([]);
});

test('the findings speak Korean', async ({ page }) => {
  const name = unique('ko');
  await createArtifact(page, 'skills', name, EMPTY_DESCRIPTION(name));
  await page.goto('/');
  await page.evaluate(() => (document.cookie = 'ctxgate_lang=ko; path=/'));
  await openEditor(page, 'skills', name);
  await expect(heading(page)).toHaveText('검사: 오류 1개, 경고 0개');
  const finding = page.locator('#ctx-checks li.finding');
  await expect(finding).toContainText('3행');
  await expect(finding).toContainText('`description`이 비어 있습니다');
  await expect(page.locator('#ctx-save-warning')).toHaveText('Agent Skills spec, Codex, Qwen Code에서 이 파일을 불러오지 않습니다');
  // The list's tooltip speaks Korean too.
  await page.goto('/');
  await hydrated(page);
  const badge = page.locator('#type-skills li', { hasText: name }).locator('.check-badge');
  await expect(badge).toHaveAttribute('title', '3행: `description`이 비어 있습니다');
});

test('the list counts each artifact and the sync toast says what will not load', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('list');
  await createArtifact(page, 'skills', name, EMPTY_DESCRIPTION(name));
  await page.goto('/');
  await hydrated(page);
  const row = page.locator('#type-skills li', { hasText: name });
  const badge = row.locator('.check-badge');
  await expect(badge).toHaveAttribute('data-errors', '1');
  await expect(badge).toHaveAttribute('data-warnings', '0');
  await expect(badge).toHaveAttribute('title', 'line 3: `description` is empty');

  await row.getByRole('button', { name: `Sync ${name}` }).click();
  const toast = page.getByRole('status');
  await expect(toast).toContainText(`Written, but not loadable: ${name} (Codex)`);
  expect(errors).toEqual([]);
});
