// Builds the pages into the gateway's web root: the three HTML pages, one ES module per page and the
// chunks they import lazily (hls.js, the Agora Web SDK), minified, with source maps. Every script is
// served from our own origin. Usage: node build.mjs [--out <dir>]
import { build } from 'esbuild';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(here, '..', 'HybridStreaming.Gateway', 'wwwroot'));

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: ['index', 'watch', 'studio'].map(page => path.join(here, 'src', `${page}.ts`)),
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

for (const page of await readdir(path.join(here, 'pages'))) {
  await cp(path.join(here, 'pages', page), path.join(out, page === 'app.css' ? path.join('assets', page) : page));
}

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.js'))
  .map(([file, info]) => `${path.relative(out, file)} ${(info.bytes / 1024).toFixed(1)} KiB`);
console.log(`web: built into ${out}\n  ${sizes.join('\n  ')}`);
