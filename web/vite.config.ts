// The web demo and kernel playground: `npm run web` serves them; the committed models, the LPIPS weights
// and sample images are served from the page's own origin (models/ and ../shared/data, never copied).
import { defineConfig, type Plugin } from 'vite';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const shared = join(repo, '../shared/data');

const MOUNTS: Record<string, string> = {
  // COMMIN_WEB_MODELS points the page at another model folder (tests use tiny models)
  '/models/': process.env.COMMIN_WEB_MODELS ?? join(repo, 'models'),
  '/data/lpips/': join(shared, 'lpips'),
  '/data/kodak/': join(shared, 'kodak'),
  '/data/faces/': join(shared, 'faces/utkface'),
};
const TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.safetensors': 'application/octet-stream', '.json': 'application/json' };

function serveData(): Plugin {
  return {
    name: 'commin-data',
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

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [serveData()],
  server: { fs: { allow: [repo] }, host: '127.0.0.1' },
  build: {
    outDir: join(repo, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { index: join(repo, 'web/index.html'), kernels: join(repo, 'web/kernels.html') } },
  },
  esbuild: { target: 'es2022' },
  optimizeDeps: { esbuildOptions: { target: 'es2022' } },
});
