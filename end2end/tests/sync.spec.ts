import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectErrors, createArtifact, hydrated, openEditor, projectFile, workingFile } from './helpers';

// SPEC §15 in the UI: runtime statuses per item, "Sync", "Sync all", "Import", real files on disk.
// Every test uses fresh names, so the spec passes on a reused server too.

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const unique = (what: string) => `sync-${what}-${run}`;

const AGENT = (name: string) =>
  `---\nname: ${name}\ndescription: Reviews code\ntools: [Read, Grep]\nkind: local\n---\nCheck it.\n`;
/** What memtomem 0.6.12 writes for AGENT (server/tests/sync.rs, store/tests/sync_golden.rs). */
const CLAUDE_AGENT = (name: string) =>
  `---\nname: ${name}\ndescription: Reviews code\ntools: [Read, Grep]\n---\n\nCheck it.\n`;
const CODEX_AGENT = (name: string) =>
  `name = "${name}"\ndescription = "Reviews code"\ndeveloper_instructions = "Check it."\n`;

const SKILL_RUNTIME_DIRS = ['.claude/skills', '.gemini/skills', '.agents/skills', '.kimi/skills'];

function read(rel: string): string {
  return fs.readFileSync(projectFile(rel), 'utf8');
}

function row(page: Page, type: string, name: string) {
  return page.locator(`#type-${type} li`, { hasText: name });
}

function badge(page: Page, type: string, name: string, runtime: string) {
  return row(page, type, name).locator(`.runtime-badge[data-runtime="${runtime}"]`);
}

/** Every badge of the row says `in_sync` (and there are `count` of them). */
async function allInSync(page: Page, type: string, name: string, count: number) {
  const badges = row(page, type, name).locator('.runtime-badge');
  await expect(badges).toHaveCount(count);
  await expect(row(page, type, name).locator('.runtime-badge:not([data-status="in_sync"])')).toHaveCount(0);
}

async function openList(page: Page) {
  await page.goto('/');
  await hydrated(page);
}

const serious = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) =>
  r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);

test('Sync on an out-of-sync agent restores the runtime file, keeps the hand edit in History', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('agent');
  await createArtifact(page, 'agents', name, AGENT(name));
  expect((await page.request.post(`/api/context/agents/${name}/sync`)).status()).toBe(200);
  // Someone edits Claude's copy by hand.
  const claudeFile = `.claude/agents/${name}.md`;
  fs.writeFileSync(projectFile(claudeFile), '---\nname: mine\n---\nMy own careful instructions.\n');

  await openList(page);
  await expect(badge(page, 'agents', name, 'claude')).toHaveAttribute('data-status', 'out_of_sync');
  await expect(badge(page, 'agents', name, 'claude')).toHaveAttribute('title', 'Claude: out of sync');
  await expect(badge(page, 'agents', name, 'claude').locator('.visually-hidden')).toHaveText(': out of sync');
  for (const runtime of ['gemini', 'codex', 'kimi']) {
    await expect(badge(page, 'agents', name, runtime)).toHaveAttribute('data-status', 'in_sync');
  }

  await row(page, 'agents', name).getByRole('button', { name: `Sync ${name} to the runtimes` }).click();
  const toast = page.getByRole('status');
  await expect(toast).toContainText(`Synced "${name}": 4 runtime target(s) up to date.`);
  await expect(toast).toContainText(`1 runtime file(s) that differed were replaced (${claudeFile})`);
  await expect(toast).toContainText('kept in History');
  await allInSync(page, 'agents', name, 4);

  expect(read(claudeFile)).toBe(CLAUDE_AGENT(name));
  expect(read(`.codex/agents/${name}.toml`)).toBe(CODEX_AGENT(name));
  // The hand edit is a history entry of the agent (reason sync, runtime claude_agents).
  const history = await (await page.request.get(`/api/context/agents/${name}/history`)).json();
  const kept = history.entries.filter((e: { reason: string; runtime?: string }) => e.reason === 'sync');
  expect(kept.map((e: { runtime?: string }) => e.runtime)).toEqual(['claude_agents']);
  const entry = await (await page.request.get(`/api/context/agents/${name}/history/${kept[0].id}`)).json();
  expect(entry.content).toBe('---\nname: mine\n---\nMy own careful instructions.\n');

  // In the editor's History the kept file says whose it is, and is readable but not offered for
  // the editor: Claude's format is not the canonical one.
  await openEditor(page, 'agents', name);
  await page.getByRole('button', { name: 'History', exact: true }).click();
  const item = page.locator('#ctx-history li[data-runtime="claude_agents"]');
  await expect(item).toHaveCount(1);
  await expect(item.locator('.history-runtime')).toHaveText('claude_agents');
  await item.getByRole('button').click();
  await expect(page.locator('#ctx-history .history-runtime-note')).toContainText('claude_agents file that a sync replaced');
  await expect(page.locator('#ctx-history').getByRole('button', { name: 'Restore into editor' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('Sync on a never-synced command writes both runtimes byte for byte', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('cmd');
  await createArtifact(page, 'commands', name, 'Summarise $ARGUMENTS\n');
  await openList(page);
  for (const runtime of ['claude', 'gemini']) {
    await expect(badge(page, 'commands', name, runtime)).toHaveAttribute('data-status', 'missing_target');
  }
  expect(fs.existsSync(projectFile(`.claude/commands/${name}.md`))).toBe(false);

  await row(page, 'commands', name).getByRole('button', { name: `Sync ${name} to the runtimes` }).click();
  await expect(page.getByRole('status')).toContainText(`Synced "${name}": 2 runtime target(s) up to date.`);
  await allInSync(page, 'commands', name, 2);
  // The goldens memtomem 0.6.12 wrote for this canonical (runtimes/tests/golden/diff/commands.plain.json).
  expect(read(`.claude/commands/${name}.md`)).toBe('Summarise $ARGUMENTS\n');
  expect(read(`.gemini/commands/${name}.toml`)).toBe('prompt = "Summarise {{args}}"\n');
  // What the server says it would write is what is on disk.
  const diff = await (await page.request.get(`/api/context/commands/${name}/diff`)).json();
  expect(diff.runtimes.map((r: { status: string }) => r.status)).toEqual(['in sync', 'in sync']);
  expect(errors).toEqual([]);
});

test('Sync all skills writes every skill folder to the four runtimes', async ({ page }) => {
  const errors = collectErrors(page);
  const first = unique('skill-a');
  const second = unique('skill-b');
  const text = (n: string) => `---\nname: ${n}\ndescription: A skill\n---\nDo the ${n} thing.\n`;
  await createArtifact(page, 'skills', first, text(first));
  await createArtifact(page, 'skills', second, text(second));
  fs.writeFileSync(path.join(path.dirname(workingFile('skills', second)), 'notes.md'), 'extra file\n');

  await openList(page);
  await expect(badge(page, 'skills', first, 'claude')).toHaveAttribute('data-status', 'missing_target');
  await expect(badge(page, 'skills', second, 'kimi')).toHaveAttribute('data-status', 'missing_target');
  await page.locator('#type-skills').getByRole('button', { name: 'Sync all Skills to the runtimes' }).click();
  await expect(page.getByRole('status')).toContainText('Synced Skills:');
  await allInSync(page, 'skills', first, 4);
  await allInSync(page, 'skills', second, 4);

  for (const dir of SKILL_RUNTIME_DIRS) {
    expect(read(`${dir}/${first}/SKILL.md`)).toBe(text(first));
    expect(read(`${dir}/${second}/SKILL.md`)).toBe(text(second));
    expect(read(`${dir}/${second}/notes.md`)).toBe('extra file\n');
  }
  expect(errors).toEqual([]);
});

test('a skill only Claude has is listed after the canonical ones; Import makes it canonical', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('only');
  const content = `---\nname: ${name}\ndescription: Written for Claude\n---\nFrom Claude's folder.\n`;
  fs.mkdirSync(projectFile(`.claude/skills/${name}`), { recursive: true });
  fs.writeFileSync(projectFile(`.claude/skills/${name}/SKILL.md`), content);

  await openList(page);
  const item = row(page, 'skills', name);
  await expect(item).toHaveClass(/runtime-only/);
  await expect(item).toContainText('only in runtimes');
  await expect(item.getByRole('link')).toHaveCount(0);
  await expect(badge(page, 'skills', name, 'claude')).toHaveAttribute('data-status', 'missing_canonical');
  // After every canonical skill.
  await expect(page.locator('#type-skills li').last()).toHaveClass(/runtime-only/);
  await expect(page.locator('#type-skills li.runtime-only ~ li:not(.runtime-only)')).toHaveCount(0);
  expect(serious(await new AxeBuilder({ page }).include('#type-skills').analyze())).toEqual([]);

  await item.getByRole('button', { name: `Import ${name} into .memtomem` }).click();
  await expect(page.getByRole('status')).toContainText(`Imported "${name}" from Claude into .memtomem.`);
  await expect(item).not.toHaveClass(/runtime-only/);
  await expect(item.getByRole('link', { name, exact: true })).toHaveAttribute('href', `/skills/${name}`);
  await expect(badge(page, 'skills', name, 'claude')).toHaveAttribute('data-status', 'in_sync');
  await expect(badge(page, 'skills', name, 'gemini')).toHaveAttribute('data-status', 'missing_target');
  expect(fs.readFileSync(workingFile('skills', name), 'utf8')).toBe(content);
  expect(errors).toEqual([]);
});

test('the sync controls, statuses and answers speak Korean', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('ko');
  const only = unique('ko-only');
  await createArtifact(page, 'agents', name, AGENT(name));
  fs.mkdirSync(projectFile('.claude/agents'), { recursive: true });
  fs.writeFileSync(projectFile(`.claude/agents/${only}.md`), `---\nname: ${only}\n---\nHello.\n`);

  await openList(page);
  await page.getByLabel('Language').selectOption('ko');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  const agents = page.locator('#type-agents');
  await expect(agents.getByRole('button', { name: '에이전트 런타임에 모두 동기화' })).toHaveText('모두 동기화');
  await expect(badge(page, 'agents', name, 'claude')).toHaveAttribute('title', 'Claude: 대상 없음');
  await expect(badge(page, 'agents', only, 'claude')).toHaveAttribute('title', 'Claude: 원본 없음');
  await expect(row(page, 'agents', only)).toContainText('런타임에만 있음');

  const sync = row(page, 'agents', name).getByRole('button', { name: `${name} 런타임에 동기화` });
  await expect(sync).toHaveText('동기화');
  await sync.click();
  await expect(page.getByRole('status')).toContainText(`"${name}" 동기화 완료: 런타임 대상 4곳이 최신 상태입니다.`);
  await expect(badge(page, 'agents', name, 'claude')).toHaveAttribute('title', 'Claude: 동기화됨');
  expect(read(`.claude/agents/${name}.md`)).toBe(CLAUDE_AGENT(name));

  const importButton = row(page, 'agents', only).getByRole('button', { name: `${only}을(를) .memtomem으로 가져오기` });
  await expect(importButton).toHaveText('가져오기');
  await importButton.click();
  await expect(page.getByRole('status')).toContainText(`"${only}"을(를) Claude에서 .memtomem으로 가져왔습니다.`);
  await expect(row(page, 'agents', only).getByRole('link', { name: only, exact: true })).toBeVisible();
  expect(fs.readFileSync(workingFile('agents', only), 'utf8')).toBe(`---\nname: ${only}\n---\nHello.\n`);
  await page.getByLabel('언어').selectOption('en');
  expect(errors).toEqual([]);
});

test('a failed sync is an error toast; the statuses stay as they were', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('fail');
  await createArtifact(page, 'agents', name, AGENT(name));
  await openList(page);
  await expect(badge(page, 'agents', name, 'claude')).toHaveAttribute('data-status', 'missing_target');
  // The request never reaches the server (as when it is gone).
  await page.route('**/_fn/sync_artifact', (route) => route.abort());
  await row(page, 'agents', name).getByRole('button', { name: `Sync ${name} to the runtimes` }).click();
  await expect(page.locator('.toast-error')).toContainText(`Could not sync "${name}": Request failed`);
  await expect(row(page, 'agents', name).getByRole('button', { name: `Sync ${name} to the runtimes` })).toBeEnabled();
  await expect(badge(page, 'agents', name, 'claude')).toHaveAttribute('data-status', 'missing_target');
  expect(fs.existsSync(projectFile(`.claude/agents/${name}.md`))).toBe(false);
  expect(errors.filter((e) => !/net::ERR_FAILED/.test(e))).toEqual([]);
});

test('the editor offers Sync after a save', async ({ page }) => {
  const errors = collectErrors(page);
  const name = unique('offer');
  await createArtifact(page, 'agents', name, AGENT(name));
  expect((await page.request.post(`/api/context/agents/${name}/sync`)).status()).toBe(200);
  await openEditor(page, 'agents', name);

  const offer = page.locator('#sync-offer');
  await expect(offer.locator('.runtime-badge[data-status="in_sync"]')).toHaveCount(4);
  await page.getByLabel('Content', { exact: true }).fill(AGENT(name).replace('Check it.', 'Check it twice.'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(`"${name}" saved`);
  await expect(offer.locator('.runtime-badge[data-status="out_of_sync"]')).toHaveCount(4);
  await expect(offer).toContainText('Some runtimes do not have this version yet.');
  await offer.getByRole('button', { name: 'Sync to runtimes' }).click();
  await expect(page.getByRole('status')).toContainText(`Synced "${name}": 4 runtime target(s) up to date.`);
  await expect(offer.locator('.runtime-badge[data-status="in_sync"]')).toHaveCount(4);
  await expect(offer).not.toContainText('Some runtimes do not have this version yet.');
  expect(read(`.claude/agents/${name}.md`)).toContain('Check it twice.');
  expect(errors).toEqual([]);
});
