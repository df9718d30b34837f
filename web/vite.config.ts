// The web demo and kernel playground: `npm run web` serves them; the committed models, the LPIPS weights
// and the sample images are served from the page's own origin (models/ and assets/, not copied); `npm run
// web:build` copies them into dist-web/ at the same paths, so the built folder works from any static server.
import { defineConfig, type Plugin } from 'vite';
import { cpSync, createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleShaders, SHADER_DIR } from '../tools/bundle_shaders.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

const MOUNTS: Record<string, string> = {
  // COMMIN_WEB_MODELS points the page at another model folder (tests use tiny models)
  '/models/': process.env.COMMIN_WEB_MODELS ?? join(repo, 'models'),
  // bundled in the repository (assets/README.md): the page needs nothing from ../shared
  '/data/lpips/': join(repo, 'assets/lpips'),
  '/data/demo/': join(repo, 'assets/demo'),
};
const TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.safetensors': 'application/octet-stream', '.json': 'application/json' };

// The engine reads its WGSL from src/engine/shader_sources.generated.ts: rewritten from shaders/*.wgsl when
// the page is built or served, and again when a .wgsl changes under the dev server (Vite then reloads).
function shaderSources(): Plugin {
  return {
    name: 'commin-shaders',
    buildStart() {
      bundleShaders();
    },
    configureServer(server) {
      server.watcher.add(SHADER_DIR);
      server.watcher.on('change', (file) => {
        if (file.endsWith('.wgsl')) bundleShaders();
      });
    },
  };
}

function serveData(): Plugin {
  let outDir = '';
  return {
    name: 'commin-data',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    // the built site carries what the dev server mounts: models (*.safetensors and their cards), LPIPS, samples;
    // then the offline worker over all of it
    closeBundle() {
      for (const [prefix, dir] of Object.entries(MOUNTS)) {
        if (!existsSync(dir)) continue;
        // models: the folder's own files only (candidates/ and the training checkpoints in train/ stay out)
        const top = prefix === '/models/';
        cpSync(dir, join(outDir, prefix), {
          recursive: true,
          filter: (f) => f === dir || (statSync(f).isDirectory() ? !top : /\.(safetensors|json|png|jpg)$/.test(f) && (!top || dirname(f) === dir)),
        });
      }
      writeServiceWorker(outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent((req.url ?? '').split('?')[0]);
        for (const [prefix, dir] of Object.entries(MOUNTS)) {
          if (!url.startsWith(prefix)) continue;
          const file = normalize(join(dir, url.slice(prefix.length)));
          if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
            res.statusCode = 404;
            res.end('not found');
            return;
          }
          res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
          createReadStream(file).pipe(res);
          return;
        }
        next();
      });
    },
  };
}

/** Every file under dir, as paths relative to it with '/' separators, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort();
}

/**
 * sw.js from web/service_worker.js: VERSION is a hash of every file of the built site (a new build with any
 * change gets a new cache), SHELL the page's own files (HTML, code, styles), cached when the worker installs.
 * Models and samples are cached when the page first fetches them.
 */
function writeServiceWorker(outDir: string) {
  const files = filesUnder(outDir).filter((f) => f !== 'sw.js');
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
  const shell = ['./', ...files.filter((f) => /\.(html|js|css)$/.test(f)).map((f) => `./${f}`)];
  const template = readFileSync(join(repo, 'web/service_worker.js'), 'utf8');
  writeFileSync(join(outDir, 'sw.js'), template.replace("'__VERSION__'", JSON.stringify(hash.digest('hex').slice(0, 16))).replace('__SHELL__', JSON.stringify(shell)));
}

export default defineConfig(({ command }) => ({
  // the built site registers its offline worker (sw.js); the dev server has none. Not import.meta.env.PROD,
  // which follows NODE_ENV (a build from a test runner would then have no worker)
  define: { __COMMIN_OFFLINE__: JSON.stringify(command === 'build') },
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [shaderSources(), serveData()],
  // as a user's bundler does through package.json's "browser" field: the engine without its Node-only module
  resolve: { alias: [{ find: /^\.\/platform\.js$/, replacement: './platform.browser.js' }] },
  server: { fs: { allow: [repo] }, host: '127.0.0.1' },
  build: {
    outDir: join(repo, 'dist-web'), // dist/ is the library build (npm run build)
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { index: join(repo, 'web/index.html'), kernels: join(repo, 'web/kernels.html') } },
  },
  esbuild: { target: 'es2022' },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
}));
