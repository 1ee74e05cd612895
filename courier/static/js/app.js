// Registers the service worker and offers a new version when one is ready.
// A new worker waits (it does not take over a page mid hand-over); the courier's
// page shows "new version — reload", and only that tap activates it and reloads.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", async () => {
    let registration;
    try {
      registration = await navigator.serviceWorker.register("/service_worker.js", { scope: "/" });
    } catch (error) {
      console.warn("service worker not registered", error);
      return;
    }
    const banner = document.getElementById("update-banner");
    const offer = (worker) => {
      // The first worker ever installed has no page to replace: nothing to offer.
      if (!worker || !navigator.serviceWorker.controller || !banner) return;
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
    // The first run: the courier's page loaded before the worker was there to keep a
    // copy of it; ask the worker to fetch one now, so the page opens without network.
    if (!document.getElementById("courier-app")) return;
    const ready = await navigator.serviceWorker.ready;
    if (!(await caches.match("/courier/"))) ready.active.postMessage({ type: "cache-shell" });
    // The QR decoder is not in the shell (it weighs as much): fetched once the page is idle,
    // so the scanner works offline later. The worker skips what it already holds.
    const idle = window.requestIdleCallback || ((run) => setTimeout(run, 2000));
    idle(() => ready.active && ready.active.postMessage({ type: "cache-lazy" }), { timeout: 10000 });
  });
}
