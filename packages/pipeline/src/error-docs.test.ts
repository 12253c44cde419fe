import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../testing/shared.js';
import { PIPELINE_ERROR_CODES } from './errors.js';

describe('docs/errors.md', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  it.each(Object.keys(PIPELINE_ERROR_CODES))(
    'lists %s (regenerate with `npx tsx scripts/error-docs.ts`)',
    (code) => {
      expect(doc).toContain(`\`${code}\``);
    },
  );
});
