import { expect, Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The scratch project the server edits (a copy of demo/). */
export const root = process.env.CTXGATE_E2E_ROOT as string;

export function projectFile(rel: string): string {
  return path.join(root, rel);
}

export function serverLog(): string {
  return fs.readFileSync(path.join(root, 'server.log'), 'utf8');
}

/** Waits until the wasm has hydrated the page, its route's chunk included (`hydrate()` sets this attribute). */
export async function hydrated(page: Page) {
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
}

/**
 * Collects uncaught page errors and console errors; call `expect(errors).toEqual([])` at the end.
 * Chrome logs every non-2xx fetch; the 409 of a stale save is the expected answer, not an error.
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 409 \(Conflict\)/.test(msg.text())) errors.push(msg.text());
  });
  return errors;
}

import * as crypto from 'node:crypto';

/** The draft key prefix the page must use: first 12 hex digits of SHA-256 of the resolved root. */
export function projectId(): string {
  return crypto.createHash('sha256').update(fs.realpathSync(root), 'utf8').digest('hex').slice(0, 12);
}

export function draftKey(type: string, name: string): string {
  return `ctxgate:draft:${projectId()}:${type}:${name}`;
}

/** Creates an artifact through the REST API (a fresh name per test keeps tests independent). */
export async function createArtifact(page: Page, type: string, name: string, content: string) {
  const resp = await page.request.post(`/api/context/${type}`, { data: { name, content } });
  expect(resp.status()).toBe(201);
  return resp.json();
}

export function workingFile(type: string, name: string): string {
  const file = type === 'skills' ? 'SKILL.md' : type === 'agents' ? 'agent.md' : 'command.md';
  return projectFile(`.memtomem/${type}/${name}/${file}`);
}

/** `echo drift >> file` from outside, with the mtime moved forward so even coarse clocks see it. */
export function drift(file: string, text = 'drift\n') {
  fs.appendFileSync(file, text);
  const later = new Date(Date.now() + 2000);
  fs.utimesSync(file, later, later);
}

/** mtime in ns as the API writes it (bigint-exact). */
export function mtimeNs(file: string): string {
  return fs.statSync(file, { bigint: true }).mtimeNs.toString();
}

export async function openEditor(page: Page, type: string, name: string) {
  await page.goto(`/${type}/${name}`);
  await hydrated(page);
  await expect(content(page)).toBeVisible();
}

/**
 * The editor's textarea (labelled "Content"). By id: after a client-side navigation the list
 * page, whose New forms have "Content" fields too, stays on screen until the editor's chunk is in.
 */
export function content(page: Page) {
  return page.locator('textarea#editor-content');
}

/** The conflict dialog. */
export function dialog(page: Page) {
  return page.locator('#ctx-conflict-modal');
}

/** The editor's Save button (English). */
export function saveButton(page: Page) {
  return page.getByRole('button', { name: 'Save', exact: true });
}
