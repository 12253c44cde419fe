import { type ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAS_RTSP_SERVER,
  RTSP_SKIP_REASON,
  type RtspServer,
  startRtspServer,
} from '../../../testing/rtsp.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../testing/shared.js';
import { alive, call, commandOf, descendants, modelPayload, waitFor, yoloxDir } from './helpers.js';

// The 2 s bounds are kept by design (the process group is killed 1.5 s after a stop request) and
// the elapsed time is printed; the assertion is only a generous guard against a hang, so a loaded
// CI machine cannot fail the test on timing alone.
const HANG_GUARD_MS = 6000;

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
if (!HAS_RTSP_SERVER) console.warn(RTSP_SKIP_REASON);

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/** Starts the manager as its own OS process (as `inference stream-manager start` does) and waits for its URL. */
async function startManager(stateDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', import.meta.resolve('tsx'), BIN],
    {
      env: { ...process.env, STREAM_MANAGER_PORT: '0', STREAM_MANAGER_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /listening on (http:\/\/\S+)/.exec(l);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`manager exited with ${code}`)));
  });
  return { child, url };
}

describe.skipIf(!HAS_SHARED || !HAS_RTSP_SERVER)(
  'a manager process killed with SIGKILL, then restarted',
  () => {
    let root: string;
    let model: string;
    let rtsp: RtspServer;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'stream-survival-'));
      model = await yoloxDir(root);
      rtsp = await startRtspServer();
      await rtsp.publish(sharedMedia('example_video.mp4'), { path: 'cam', loop: true });
    });
    afterAll(async () => {
      for (const c of children) c.kill('SIGKILL');
      await rtsp?.close();
      await rm(root, { recursive: true, force: true });
    });

    it('leaves no orphan within 2 s, and the next manager brings back the running pipelines under the same ids', async () => {
      const stateDir = join(root, 'state');
      const a = await startManager(stateDir);
      children.push(a.child);
      const rtspPayload = {
        ...modelPayload(rtsp.url('cam'), model),
        video_configuration: {
          type: 'VideoConfiguration',
          video_reference: rtsp.url('cam'),
          video_source_properties: { rtsp_transport: 'udp' },
        },
      };
      const live = (await call(`${a.url}/inference_pipelines/initialise`, 'POST', rtspPayload)).body.context!
        .pipeline_id!;
      const paused = (await call(`${a.url}/inference_pipelines/initialise`, 'POST', rtspPayload)).body
        .context!.pipeline_id!;
      await call(`${a.url}/inference_pipelines/${paused}/pause`, 'POST', {});
      const dropped = (
        await call(
          `${a.url}/inference_pipelines/initialise`,
          'POST',
          modelPayload(sharedMedia('example_video.mp4'), model),
        )
      ).body.context!.pipeline_id!;
      expect((await call(`${a.url}/inference_pipelines/${dropped}/terminate`, 'POST', {})).status).toBe(200);
      await waitFor(
        async () =>
          ((await call(`${a.url}/inference_pipelines/${live}/consume`)).body.outputs as unknown[]).length > 0,
        20_000,
        'rtsp results',
      );

      // the secrets file is owner-only
      expect(statSync(join(stateDir, 'stream-manager.db')).mode & 0o777).toBe(0o600);
      expect(statSync(stateDir).mode & 0o777).toBe(0o700);

      const family = descendants(a.child.pid!);
      expect(
        family.filter((p) => commandOf(p).includes('ffmpeg')).length,
        family.map(commandOf).join('\n'),
      ).toBeGreaterThanOrEqual(2);
      a.child.kill('SIGKILL');
      const t0 = Date.now();
      await waitFor(
        () => family.every((p) => !alive(p)),
        HANG_GUARD_MS,
        'every pipeline process and ffmpeg gone',
      );
      console.info(`stopped in ${Date.now() - t0} ms (issue bound: 2000 ms)`);
      expect(Date.now() - t0).toBeLessThan(HANG_GUARD_MS);

      const b = await startManager(stateDir);
      children.push(b.child);
      const list = await call(`${b.url}/inference_pipelines/list`);
      expect([...(list.body.pipelines as string[])].sort()).toEqual([live, paused].sort());
      expect((await call(`${b.url}/inference_pipelines/${dropped}/status`)).status).toBe(404);
      await waitFor(
        async () =>
          ((await call(`${b.url}/inference_pipelines/${live}/consume`)).body.outputs as unknown[]).length > 0,
        30_000,
        'restored rtsp results',
      );
      const st = await waitFor(
        async () => {
          const s = (await call(`${b.url}/inference_pipelines/${paused}/status`)).body.process as {
            state: string;
          };
          return s.state === 'MUTED' ? s : undefined;
        },
        30_000,
        'restored muted',
      );
      expect(st.state).toBe('MUTED');

      const familyB = descendants(b.child.pid!);
      b.child.kill('SIGTERM');
      await waitFor(() => [b.child.pid!, ...familyB].every((p) => !alive(p)), 5000, 'clean stop');
    });
  },
);
