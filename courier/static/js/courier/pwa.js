// Registers the courier's service worker (on the courier's page only: a citizen's or a
// dispatcher's browser has no use for it) and offers a new version when one is ready.
// A new worker waits (it does not take over a page mid hand-over); the banner shows
// "new version — reload", and only that tap activates it and reloads.

/** Register once the page has loaded (the worker's precache does not compete with it). */
export function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}

async function register() {
  let registration;
  try {
    // A module worker (Chromium 91+): it imports the outbox's modules as the page does.
    registration = await navigator.serviceWorker.register("/service_worker.js", { type: "module", scope: "/" });
  } catch (error) {
    console.warn("service worker not registered", error);
    return;
  }
  offerUpdate(registration);
  const ready = await navigator.serviceWorker.ready;
  // The first run: the page loaded before the worker was there to keep a copy of it;
  // ask the worker to fetch one now, so the page opens without network.
  if (!(await caches.match("/courier/"))) ready.active.postMessage({ type: "cache-shell" });
  // The QR decoder is not in the shell (it weighs as much): fetched once the page is idle,
  // so the scanner works offline later. The worker skips what it already holds.
  const idle = window.requestIdleCallback || ((run) => setTimeout(run, 2000));
  idle(() => ready.active && ready.active.postMessage({ type: "cache-lazy" }), { timeout: 10000 });
}

/** Show the "new version" banner for a worker that is installed and waiting. */
function offerUpdate(registration) {
  const banner = document.getElementById("update-banner");
  const offer = (worker) => {
    // The first worker ever installed has no page to replace: nothing to offer.
    if (!worker || !navigator.serviceWorker.controller) return;
    banner.hidden = false;
    document.getElementById("update-reload").onclick = () => {
      navigator.serviceWorker.addEventListener("controllerchange", () => window.location.reload());
      worker.postMessage({ type: "skip-waiting" });
    };
  };
  offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed") offer(worker);
    });
  });
}
