// Writes docs/errors.md from every package's error table, so the list of
// codes cannot drift from the code. Run: npx tsx scripts/error-docs.ts
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Source {
  title: string;
  file: string;
  table: string;
}

const root = join(import.meta.dirname, '..');
const sources: Source[] = [
  {
    title: 'Core (`@inference-ts/core`)',
    file: 'packages/core/src/internal/errors.ts',
    table: 'CORE_ERROR_CODES',
  },
  {
    title: 'Pipeline (`@inference-ts/pipeline`)',
    file: 'packages/pipeline/src/internal/errors.ts',
    table: 'PIPELINE_ERROR_CODES',
  },
  {
    title: 'Server (`@inference-ts/server`)',
    file: 'apps/server/src/internal/errors.ts',
    table: 'SERVER_ERROR_CODES',
  },
  {
    title: 'SDK (`@inference-ts/sdk`)',
    file: 'packages/sdk/src/internal/errors.ts',
    table: 'SDK_ERROR_CODES',
  },
  {
    title: 'Active learning (`@inference-ts/active-learning`)',
    file: 'packages/active-learning/src/internal/errors.ts',
    table: 'AL_ERROR_CODES',
  },
  {
    title: 'Stream manager (`@inference-ts/stream-manager`)',
    file: 'apps/stream-manager/src/internal/errors.ts',
    table: 'STREAM_ERROR_CODES',
  },
];

const out = [
  '# Error codes',
  '',
  'Every error Inference TS raises carries a stable `code`; codes are never reused once retired.',
  'Generated from the error tables by `npx tsx scripts/error-docs.ts`; a test fails when a code is missing here.',
  '',
];
for (const s of sources) {
  const path = join(root, s.file);
  if (!existsSync(path)) continue;
  const mod = (await import(pathToFileURL(path).href)) as Record<string, Record<string, unknown>>;
  const table = mod[s.table];
  if (!table) continue;
  out.push(`## ${s.title}`, '', '| code | HTTP status | meaning |', '|---|---|---|');
  for (const [code, v] of Object.entries(table)) {
    const entry =
      typeof v === 'string' ? { summary: v } : (v as { status?: number; summary?: string; message?: string });
    out.push(
      `| \`${code}\` | ${entry.status ?? ''} | ${(entry.summary ?? entry.message ?? '').replace(/\|/g, '\\|')} |`,
    );
  }
  out.push('');
}
writeFileSync(join(root, 'docs', 'errors.md'), out.join('\n'));
console.log('wrote docs/errors.md');
