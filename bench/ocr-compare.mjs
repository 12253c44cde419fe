#!/usr/bin/env node
// Our built-in OCR against @gutenye/ocr-node, which runs the same PaddleOCR
// models on the same runtime: median ms per image (file path in, text out)
// and the text each reads. Usage: node bench/ocr-compare.mjs [--n 10]
import Ocr from '@gutenye/ocr-node';
import { InferenceEngine } from '@inference-ts/core';
import { media, printTable, requireShared, timeIt } from './common.mjs';

requireShared();
const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 10;
const engine = new InferenceEngine();
const ours = await engine.getModel('pp-ocr');
const peer = await Ocr.create();

const rows = [];
for (const f of ['multi_line_text.jpg', 'license_plate.jpg']) {
  const path = media(f);
  const oursText = (await ours.infer(path)).text;
  const peerText = (await peer.detect(path)).map((l) => l.text).join('\n');
  const a = await timeIt(() => ours.infer(path), { n });
  const b = await timeIt(() => peer.detect(path), { n });
  rows.push([f, a, b, (b / a).toFixed(2), JSON.stringify(oursText), JSON.stringify(peerText)]);
}
printTable(['image', 'ours ms', 'ocr-node ms', 'speed-up', 'ours text', 'ocr-node text'], rows);
await engine.dispose();
