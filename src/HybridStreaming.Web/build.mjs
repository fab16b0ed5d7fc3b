// Builds the pages into the gateway's web root: the four HTML pages, one ES module per page and the
// chunks they import lazily (hls.js, the Agora Web SDK), minified, with source maps. Every script is
// served from our own origin. Scripts and styles get precompressed siblings (.br, .gz) that the gateway
// serves by the request's Accept-Encoding, so it never compresses per request (the Agora chunk is
// 1.5 MB). Usage: node build.mjs [--out <dir>]
import { build } from 'esbuild';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(here, '..', 'HybridStreaming.Gateway', 'wwwroot'));

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: ['index', 'watch', 'studio', 'costs'].map(page => path.join(here, 'src', `${page}.ts`)),
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: 'linked',
  outdir: path.join(out, 'assets'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

// hls.js's light ES module has no inline worker: its transmuxing worker is served from our origin
// (worker-src 'self'), so demuxing runs off the main thread on phones too.
await cp(path.join(here, 'node_modules', 'hls.js', 'dist', 'hls.worker.js'), path.join(out, 'assets', 'hls.worker.js'));

for (const page of await readdir(path.join(here, 'pages'))) {
  await cp(path.join(here, 'pages', page), path.join(out, page === 'app.css' ? path.join('assets', page) : page));
}

// Precompression. Brotli at quality 9, not 11: 11 takes ~10 s for the Agora chunk on two cores and
// saves under 10 % more; gzip at 9. Source maps stay uncompressed (only developer tools fetch them). A
// sibling is written only when it is smaller than the file itself.
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const compressible = new Set(['.js', '.css', '.svg', '.json', '.txt']);
const compressed = new Map();
async function precompress(file) {
  const bytes = await readFile(file);
  const [br, gz] = await Promise.all([
    brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    gzip(bytes, { level: 9 }),
  ]);
  for (const [variant, extension] of [[br, '.br'], [gz, '.gz']]) {
    if (variant.length < bytes.length) {
      await writeFile(file + extension, variant);
    }
  }
  compressed.set(file, { bytes: bytes.length, br: br.length, gz: gz.length });
}
const assets = (await readdir(path.join(out, 'assets'), { recursive: true }))
  .map(file => path.join(out, 'assets', file))
  .filter(file => compressible.has(path.extname(file)));
await Promise.all(assets.map(precompress));

const kib = bytes => `${(bytes / 1024).toFixed(1)} KiB`;
const sizes = [...compressed]
  .filter(([file]) => file.endsWith('.js') || file.endsWith('.css'))
  .map(([file, size]) => `${path.relative(out, file)} ${kib(size.bytes)} (br ${kib(size.br)}, gzip ${kib(size.gz)})`);
console.log(`web: built into ${out}\n  ${sizes.join('\n  ')}`);
