/** The small page at `/` (clients poll it for 200 to know the server is up). */
export const LANDING_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Inference TS</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}code,pre{background:#f3f3f3;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto}</style>
</head>
<body>
<h1>Inference TS</h1>
<p>A computer-vision inference server, compatible with Roboflow Inference clients.</p>
<ul>
<li><a href="/docs">API documentation</a> (OpenAPI)</li>
<li><a href="/info">/info</a>, <a href="/healthz">/healthz</a>, <a href="/readiness">/readiness</a>, <a href="/metrics">/metrics</a>, <a href="/model/registry">/model/registry</a></li>
</ul>
<p>Read the text in an image with the built-in OCR (no download needed):</p>
<pre>curl -s http://HOST/ocr/pp-ocr -H 'Content-Type: application/json' \\
  -d "{\\"image\\":{\\"type\\":\\"base64\\",\\"value\\":\\"$(base64 -w0 image.jpg)\\"}}"</pre>
</body>
</html>
`;
