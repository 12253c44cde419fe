import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverOptionsFrom } from '../src/internal/commands/server.js';
import { runCli } from './run-cli.js';

const keysFile = (text: string) => {
  const p = join(mkdtempSync(join(tmpdir(), 'server-keys-')), 'keys');
  writeFileSync(p, text);
  return p;
};

describe('server start: API keys from a file (not visible in ps)', () => {
  it('--server-api-keys-file reads one key per line, skipping blanks and # comments; flags replace the environment', () => {
    const file = keysFile('# operator keys\nfirst-key\n\n  second-key  \r\n');
    const { options } = serverOptionsFrom({ serverApiKeysFile: file }, { SERVER_API_KEYS: 'from-env' });
    expect(options.apiKeys).toEqual(['first-key', 'second-key']);
    const both = serverOptionsFrom({ serverApiKeysFile: file, serverApiKey: ['flag-key'] }, {});
    expect(both.options.apiKeys).toEqual(['flag-key', 'first-key', 'second-key']);
  });

  it('SERVER_API_KEYS_FILE is the environment equivalent, added to SERVER_API_KEYS', () => {
    const file = keysFile('file-key\n');
    expect(serverOptionsFrom({}, { SERVER_API_KEYS_FILE: file }).options.apiKeys).toEqual(['file-key']);
    expect(
      serverOptionsFrom({}, { SERVER_API_KEYS_FILE: file, SERVER_API_KEYS: 'a,b' }).options.apiKeys,
    ).toEqual(['a', 'b', 'file-key']);
  });

  it('a missing or empty keys file fails at start with a clear message', () => {
    expect(() => serverOptionsFrom({ serverApiKeysFile: '/nonexistent/keys' }, {})).toThrow(
      /cannot read the API keys file \/nonexistent\/keys/,
    );
    expect(() => serverOptionsFrom({ serverApiKeysFile: keysFile('# none\n\n') }, {})).toThrow(
      /holds no key/,
    );
  });

  it('the help names the file option and says the flag is visible in ps', async () => {
    const help = (await runCli(['server', 'start', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--server-api-keys-file <path>/);
    expect(help).toMatch(/visible in ps: prefer --server-api-keys-file or \$SERVER_API_KEYS/);
  });
});
