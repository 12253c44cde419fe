import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../testing/shared.js';
import { banner } from '../src/internal/start.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, testServer } from './helpers.js';

const HAS_CURL = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The curl commands (with their `{ printf …; } |` pipes) of the ```sh blocks of a README that call :9001. */
function curlCommands(markdown: string): string[] {
  const out: string[] = [];
  for (const [, block] of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^(curl |\{ printf)/.test(lines[i].trim())) continue;
      let cmd = lines[i];
      while (cmd.trimEnd().endsWith('|')) cmd += `\n${lines[++i]}`;
      if (cmd.includes('localhost:9001')) out.push(cmd);
    }
  }
  return out;
}

/** The commands the start banner prints. */
function bannerCommands(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trim());
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('{ printf')) out.push(`${l}\n${lines[i + 1]}`);
    else if (l.includes('legacy route, multipart')) out.push(l.slice(l.indexOf(': ') + 2));
  });
  return out;
}

/**
 * The documented curl commands, run as written (port swapped for the test
 * server's) on a photo over the ~96 KB where `-d "$(base64 …)"` hit the
 * kernel's argument limit.
 */
describe.skipIf(!HAS_SHARED || !HAS_CURL)('the documented curl commands work for real photos', () => {
  if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
  if (!HAS_CURL) console.warn('curl not found: skipping the README curl test');
  let app: FastifyInstance;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'readme-curl-'));
  beforeAll(async () => {
    app = await testServer();
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // the file names the READMEs and the banner use, all the same large photo
    for (const name of ['sign.jpg', 'photo.jpg', 'image.jpg', 'dog.jpg'])
      copyFileSync(sharedMedia('kite.jpg'), join(dir, name));
  });
  afterAll(() => app.close());

  // async: the server answers in this same process
  const run = async (cmd: string) =>
    (
      await promisify(execFile)('bash', ['-c', cmd.replace(/(http:\/\/)?localhost:9001/g, base)], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      })
    ).stdout;

  const commands = [
    ...curlCommands(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')),
    ...curlCommands(readFileSync(join(REPO_ROOT, 'apps/server/README.md'), 'utf8')),
    ...bannerCommands(banner('http://localhost:9001', false)),
  ];

  it('finds the commands, and the photo is well over the old limit', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(statSync(join(dir, 'photo.jpg')).size).toBeGreaterThan(1_000_000);
  });

  it.each(commands.map((c) => [c.replace(/\s+/g, ' ').slice(0, 90), c]))('%s', async (_short, cmd) => {
    const out = JSON.parse(await run(cmd));
    // OCR answers `result`; detection answers predictions (the kite photo has kites in it)
    if ('result' in out) expect(typeof out.result).toBe('string');
    else expect(out.predictions.map((p: { class: string }) => p.class)).toContain('kite');
  });
});
