/* courier service worker.
 *
 * - Versioned caches: the shell's static files are precached per VERSION and the
 *   old caches are deleted on activate. /service_worker.js is served with a digest
 *   of the static files appended to VERSION (routes/pwa.py), so a deploy that
 *   changes any of them installs a new worker even if nobody bumped VERSION.
 * - LAZY files (the QR decoder, several times the rest of the shell, and the QR
 *   drawer for the citizen's link) are not precached:
 *   they go into the same versioned cache the first time the scanner asks for them,
 *   and once in the background when the courier's page is idle (message "cache-lazy"),
 *   so the scanner works offline on a phone that was online once.
 * - Navigations are network-first; /courier/ falls back to its last good copy, any
 *   other page to /offline. Static files come from the cache of this version.
 * - A new version waits until the page asks it to take over (the courier taps
 *   "reload" in the banner); skipWaiting() is then followed by clients.claim().
 * - The outbox is replayed from here too (Background Sync, and on every start of
 *   the worker, since Background Sync is missing on some phones), under the same
 *   Web Lock as the page, so both never send at once.
 * - A module worker (registered with type "module", Chromium 91+): it imports the
 *   outbox's ES modules, the very files the page imports.
 */
import { flush } from "/static/js/courier/outbox.js";

const VERSION = "v2";
const STATIC_CACHE = `courier-static-${VERSION}`;
// The courier's page holds personal data (names, addresses): its own cache, cleared on logout.
const PAGES_CACHE = "courier-pages";
const SHELL_URL = "/courier/";
// Filled in by routes/pwa.py as it serves this file: the shell's pages and files and every
// module the courier's app (js/courier/app.js) imports statically, less the LAZY files.
const PRECACHE = [];
// Cached when first used, or in the background once the shell is there (see above).
// The scanner's worker too: it is useless without the decoder it loads.
// And the QR drawer (the citizen's link, VietQR at the door), loaded when a QR is first drawn.
const LAZY = [
  "/static/vendor/qrcode-generator-2.0.4/qrcode.mjs",
  "/static/js/courier/scan_worker.js",
  "/static/vendor/zxing-wasm-3.1.6/zxing-reader.js",
  "/static/vendor/zxing-wasm-3.1.6/zxing_reader.wasm",
];
// Files under a versioned folder never change (vendor/README.md): the HTTP cache may serve them.
const IMMUTABLE = "/static/vendor/";

/** A request for the cache: own files revalidated, versioned vendor files straight from the HTTP cache. */
function cacheRequest(url) {
  return new Request(url, { cache: url.startsWith(IMMUTABLE) ? "default" : "no-cache", credentials: "omit" });
}

self.addEventListener("install", (event) => {
  // cache: "no-cache": the browser asks the server whether its copy (the one the page has just
  // loaded) is current, by its ETag, and gets "304 Not Modified" instead of the file again, so
  // a first visit does not download the shell twice; last version's files are never kept, as
  // the server answers a changed file in full. A versioned vendor file is the same file forever:
  // the copy the page just loaded is taken as it is;
  // credentials: "omit", because these requests run while the courier logs in, and an
  // answer carrying the anonymous session's cookie could land after the login's and undo
  // it. For the same reason the courier's page is not fetched here but kept when opened.
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(PRECACHE.map(cacheRequest))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith("courier-static-") && name !== STATIC_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "skip-waiting") self.skipWaiting();  // activate then calls clients.claim()
  if (type === "cache-shell") event.waitUntil(fetch(SHELL_URL).then(cacheShell).catch(() => {}));
  if (type === "cache-lazy") event.waitUntil(cacheLazy());
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  // Rejecting tells the browser to try this sync again later, with its own backoff.
  event.waitUntil(flush().then((result) => {
    if (result.stopped) throw new Error(`outbox not sent: ${result.stopped}`);
  }));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(staticFile(event, url));
  }
});

/** From this version's cache; a LAZY file not there yet is kept on its way to the page. */
async function staticFile(event, url) {
  const request = event.request;
  const hit = await caches.match(request, { cacheName: STATIC_CACHE, ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (LAZY.includes(url.pathname) && !url.search && response.ok && response.type === "basic") {
    const copy = response.clone();
    event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.put(url.pathname, copy)).catch(() => {}));
  }
  return response;
}

/** Fetch and keep the LAZY files this version does not hold yet; never rejects. */
async function cacheLazy() {
  const cache = await caches.open(STATIC_CACHE);
  await Promise.all(LAZY.map(async (url) => {
    if (await cache.match(url, { ignoreVary: true })) return;
    try {
      const response = await fetch(cacheRequest(url));
      if (response.ok) await cache.put(url, response);
    } catch (error) {
      // offline: the next idle page or the scanner's first use tries again
    }
  }));
}

async function navigate(request, url) {
  const isShell = url.pathname === SHELL_URL;
  try {
    const response = await fetch(request);
    // A server in trouble (5xx) is no better than no server for a courier on the road.
    if (isShell && response.status >= 500) return (await cachedShell()) || response;
    if (isShell) await cacheShell(response.clone());
    return response;
  } catch (error) {
    return (isShell && await cachedShell()) || caches.match("/offline", { cacheName: STATIC_CACHE });
  }
}

/** Keep the shell only when it really is the courier's page (not the login page it redirects to). */
async function cacheShell(response) {
  if (!response || !response.ok || response.redirected) return;
  if (new URL(response.url).pathname !== SHELL_URL) return;
  await (await caches.open(PAGES_CACHE)).put(SHELL_URL, response);
}

async function cachedShell() {
  return caches.match(SHELL_URL, { cacheName: PAGES_CACHE });
}

// On every start of the worker: send whatever a closed page left behind.
flush();
