/**
 * The live console: one self-contained HTML page (no dependencies). It polls
 * `api/pipelines` twice a second, fetches each pipeline's annotated preview JPEG
 * about three times a second, and drives Roboflow's routes for start, pause, resume
 * and terminate. Every URL is relative, so the same page works at the manager's `/`
 * and behind the server's `/streams/`.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Inference TS · streams</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2430; background: #f6f7f9; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; background: #fff; padding: .8rem; border-radius: 8px; box-shadow: 0 1px 2px #0002; }
  label { display: flex; flex-direction: column; font-size: 12px; gap: .2rem; }
  input[type=text] { width: 22rem; }
  input, button { font: inherit; padding: .3rem .5rem; }
  #error { color: #b00020; min-height: 1.2rem; margin: .5rem 0; white-space: pre-wrap; }
  table { border-collapse: collapse; width: 100%; background: #fff; border-radius: 8px; box-shadow: 0 1px 2px #0002; }
  th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
  td.preview img { width: 320px; min-height: 40px; background: #111; display: block; }
  .state { font-weight: 600; }
  .muted { color: #8a6d00; } .running { color: #05762d; } .failed, .ended { color: #b00020; } .restarting, .starting { color: #555; }
  .id { font-family: monospace; font-size: 12px; }
  #empty { color: #666; padding: 1rem; }
</style>
</head>
<body>
<h1>Inference TS · stream manager</h1>
<form id="start">
  <label>Source (file, rtsp://, http(s)://, webcam index)<input type="text" name="source" required placeholder="rtsp://camera/stream"></label>
  <label>Model id<input type="text" name="model" required placeholder="yolov8n-640"></label>
  <label>Max fps<input type="number" name="max_fps" min="0" step="any" style="width:5rem"></label>
  <label>Tracking<input type="checkbox" name="tracking"></label>
  <button type="submit" id="start-button">Start</button>
</form>
<div id="error" role="alert"></div>
<table>
  <thead><tr><th>Pipeline</th><th>State</th><th>fps</th><th>Latency</th><th>Drops</th><th>Process</th><th>Actions</th><th>Preview</th></tr></thead>
  <tbody id="pipelines"></tbody>
</table>
<div id="empty">No pipelines.</div>
<script>
(() => {
  const rows = new Map();
  const $ = (sel, el = document) => el.querySelector(sel);
  const error = $('#error');
  const show = (msg) => { error.textContent = msg || ''; };

  async function call(method, path, body) {
    const res = await fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.message || res.status + ' ' + res.statusText);
    return data;
  }

  $('#start').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const source = String(f.get('source')).trim();
    const video = { type: 'VideoConfiguration', video_reference: /^\\d+$/.test(source) ? Number(source) : source };
    // a file is watched at its pace (every frame, max fps paces it) rather than decoded flat out and dropped
    if (!/^\\d+$/.test(source) && !/^[a-z][a-z0-9+.-]*:\\/\\//i.test(source)) {
      video.source_buffer_filling_strategy = 'WAIT';
      video.source_buffer_consumption_strategy = 'LAZY';
    }
    if (f.get('max_fps')) video.max_fps = Number(f.get('max_fps'));
    const button = $('#start-button');
    button.disabled = true;
    show('starting…');
    try {
      await call('POST', 'inference_pipelines/initialise', {
        video_configuration: video,
        processing_configuration: { type: 'ModelConfiguration', model_id: String(f.get('model')).trim(), tracking: f.get('tracking') === 'on' },
      });
      show('');
      refresh();
    } catch (e) { show(e.message); }
    finally { button.disabled = false; }
  });

  function action(id, what) {
    return async () => {
      try { await call('POST', 'inference_pipelines/' + encodeURIComponent(id) + '/' + what); refresh(); }
      catch (e) { show(e.message); }
    };
  }

  function makeRow(p) {
    const tr = document.createElement('tr');
    tr.dataset.id = p.pipelineId;
    tr.innerHTML = '<td><div class="id"></div><div class="desc"></div></td><td class="state"></td><td class="fps"></td>' +
      '<td class="latency"></td><td class="drops"></td><td class="proc"></td>' +
      '<td><button class="pause">Pause</button> <button class="resume">Resume</button> <button class="terminate">Terminate</button></td>' +
      '<td class="preview"><img alt="preview"></td>';
    $('.id', tr).textContent = p.pipelineId;
    $('.pause', tr).onclick = action(p.pipelineId, 'pause');
    $('.resume', tr).onclick = action(p.pipelineId, 'resume');
    $('.terminate', tr).onclick = action(p.pipelineId, 'terminate');
    const row = { tr, img: $('img', tr), url: null, alive: true };
    pollPreview(p.pipelineId, row);
    return row;
  }

  async function pollPreview(id, row) {
    while (row.alive) {
      try {
        const res = await fetch('api/pipelines/' + encodeURIComponent(id) + '/preview.jpg?source=0', { cache: 'no-store' });
        if (res.status === 200) {
          const frameId = res.headers.get('x-frame-id');
          const blob = await res.blob();
          if (frameId !== row.img.dataset.frameId) {
            const url = URL.createObjectURL(blob);
            row.img.src = url;
            row.img.dataset.frameId = frameId;
            if (row.url) URL.revokeObjectURL(row.url);
            row.url = url;
          }
        }
      } catch (e) { /* the next poll retries */ }
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  const fmt = (v, digits = 1) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));

  function update(row, p) {
    const state = $('.state', row.tr);
    state.textContent = p.state;
    state.className = 'state ' + p.state.toLowerCase();
    $('.desc', row.tr).textContent = p.description;
    $('.fps', row.tr).textContent = p.sources.length ? p.sources.map((s) => fmt(s.fps)).join(' / ') : '–';
    $('.latency', row.tr).textContent = p.sources.length ? p.sources.map((s) => fmt(s.latencyMs, 0) + ' ms').join(' / ') : '–';
    $('.drops', row.tr).textContent = p.sources.length ? p.sources.map((s) => s.framesDropped).join(' / ') : '–';
    $('.proc', row.tr).textContent = 'pid ' + (p.pid ?? '–') + ', ' + fmt(p.rssMb, 0) + ' MB, restarts ' + p.restarts + '/' + p.maxRestarts + (p.lastExit ? ' (' + p.lastExit + ')' : '');
  }

  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const res = await fetch('api/pipelines', { cache: 'no-store' });
      const { pipelines } = await res.json();
      const seen = new Set();
      for (const p of pipelines) {
        seen.add(p.pipelineId);
        let row = rows.get(p.pipelineId);
        if (!row) {
          row = makeRow(p);
          rows.set(p.pipelineId, row);
          $('#pipelines').appendChild(row.tr);
        }
        update(row, p);
      }
      for (const [id, row] of rows) {
        if (seen.has(id)) continue;
        row.alive = false;
        row.tr.remove();
        if (row.url) URL.revokeObjectURL(row.url);
        rows.delete(id);
      }
      $('#empty').style.display = rows.size ? 'none' : 'block';
    } catch (e) { /* keep the last view */ }
    finally { busy = false; }
  }
  refresh();
  setInterval(refresh, 500);
})();
</script>
</body>
</html>
`;

/** The console's HTML. */
export const consolePage = (): string => PAGE;
