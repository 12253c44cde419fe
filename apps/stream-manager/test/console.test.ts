import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../testing/shared.js';
import { StreamManagerHttp } from '../src/internal/http.js';
import { StreamManager } from '../src/internal/manager.js';
import { yoloxDir } from './helpers.js';

/** Debian's chromium (installed by .ci/run); playwright's own browser downloads are not used. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
if (!HAS_CHROMIUM)
  console.warn(`${CHROMIUM} not found (apt-get install -y chromium): skipping the browser test`);

describe.skipIf(!HAS_SHARED || !HAS_CHROMIUM)('the live console in headless Chromium', () => {
  let root: string;
  let model: string;
  let manager: StreamManager;
  let http: StreamManagerHttp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stream-console-'));
    model = await yoloxDir(root);
    manager = new StreamManager();
    http = new StreamManagerHttp(manager);
    url = await http.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await manager?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('starts a pipeline from the form, shows fps and changing preview frames, pauses, resumes and terminates it', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    await page.fill('input[name=source]', sharedMedia('example_video.mp4'));
    await page.fill('input[name=model]', model);
    await page.fill('input[name=max_fps]', '10');
    await page.check('input[name=tracking]');
    await page.click('#start-button');

    const row = page.locator('#pipelines tr');
    await row.first().waitFor({ timeout: 30_000 });
    expect(await row.count()).toBe(1);
    const id = await row.first().getAttribute('data-id');
    expect(manager.list()).toEqual([id]);

    // live figures: fps above zero
    await page.waitForFunction(
      () => Number(document.querySelector('#pipelines tr .fps')?.textContent) > 0,
      null,
      { timeout: 30_000 },
    );
    expect(await row.locator('.state').textContent()).toBe('RUNNING');

    // preview frames arrive and change
    const img = row.locator('td.preview img');
    await page.waitForFunction(
      () => Number(document.querySelector('#pipelines tr td.preview img')?.getAttribute('data-frame-id')) > 0,
      null,
      {
        timeout: 30_000,
      },
    );
    const first = Number(await img.getAttribute('data-frame-id'));
    await page.waitForFunction(
      (f) =>
        Number(document.querySelector('#pipelines tr td.preview img')?.getAttribute('data-frame-id')) > f,
      first,
      { timeout: 30_000 },
    );
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(426);

    await row.locator('button.pause').click();
    await page.waitForFunction(
      () => document.querySelector('#pipelines tr .state')?.textContent === 'MUTED',
      null,
      { timeout: 10_000 },
    );
    await row.locator('button.resume').click();
    await page.waitForFunction(
      () => document.querySelector('#pipelines tr .state')?.textContent === 'RUNNING',
      null,
      { timeout: 10_000 },
    );
    await row.locator('button.terminate').click();
    await page.waitForFunction(() => document.querySelectorAll('#pipelines tr').length === 0, null, {
      timeout: 10_000,
    });
    expect(manager.list()).toEqual([]);
    expect(await page.locator('#error').textContent()).toBe('');
    await page.close();
  });

  it('shows the reason when the form names a source that does not exist', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    await page.fill('input[name=source]', join(root, 'missing.mp4'));
    await page.fill('input[name=model]', model);
    await page.click('#start-button');
    await page.waitForFunction(
      () => /not_found/.test(document.querySelector('#error')?.textContent ?? ''),
      null,
      { timeout: 30_000 },
    );
    expect(await page.locator('#pipelines tr').count()).toBe(0);
    await page.close();
  });
});
