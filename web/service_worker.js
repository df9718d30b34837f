// The built site's offline copy (written to sw.js by web/vite.config.ts, which fills in VERSION, a hash of
// the site's files, and SHELL, the page's own files). The page and its code are cached when the worker
// installs; a model, a sample or anything else the page fetches is kept the first time it is fetched. Every
// answer comes from the cache when it is there: a new build has a new VERSION, so a new cache, and the old
// one is dropped once the new worker is active.
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const CACHE = `commin-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith('commin-') && key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (new URL(req.url).origin !== self.location.origin) return;
  if (req.method === 'GET') event.respondWith(fromCache(event));
  // the page asks which models the site has with HEAD requests: a model kept offline is there
  else if (req.method === 'HEAD') event.respondWith(headFromCache(req));
});

async function fromCache(event) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(event.request, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(event.request);
  // kept while the page reads its own copy (the download's progress is not held up)
  if (res.ok && res.type === 'basic') event.waitUntil(cache.put(event.request, res.clone()));
  return res;
}

async function headFromCache(req) {
  const hit = await (await caches.open(CACHE)).match(req.url, { ignoreSearch: true });
  return hit ? new Response(null, { status: hit.status, headers: hit.headers }) : fetch(req);
}
