// Timing figures (not tests): `npx playwright test --config playwright.bench.config.ts`.
import base from './playwright.config';
import { defineConfig } from '@playwright/test';

export default defineConfig({ ...base, testDir: './bench', timeout: 120_000 });
