// When the page sends the outbox: at once after a capture, when the network or the page
// comes back, and with backoff after a failure. The service worker sends too (Background
// Sync, and whenever it starts); the Web Lock in outbox.js keeps the two from overlapping.
import * as DB from "./db.js";
import * as Outbox from "./outbox.js";

const MAX_DELAY_MS = 5 * 60_000;
let timer = null;
let running = null;
let again = false;

/** Send now; a call made while a run is going asks for one more run after it. */
export function syncNow() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let result;
    do {
      again = false;
      result = await run();
    } while (again && !result.stopped);
    return result;
  })().finally(() => { running = null; });
  return running;
}

async function run() {
  clearTimeout(timer);
  // Without a network a send can only fail (and litter the console): wait for "online".
  const offline = navigator.onLine === false;
  const result = offline ? { sent: 0, held: 0, stopped: "offline" } : await Outbox.flush();
  if (result.stopped && result.stopped !== "login") {
    const { failures } = (await DB.getMeta("retry")) || { failures: 1 };
    const delay = Math.min(MAX_DELAY_MS, 1_000 * 2 ** Math.min(failures, 10));
    timer = setTimeout(syncNow, delay * (0.5 + Math.random() / 2));  // jitter: not all phones at once
  }
  return result;
}

/** Store a capture in the outbox, then try to send it. */
export async function queue(capture) {
  await Outbox.enqueue(capture);
  registerBackgroundSync();
  syncNow();
}

/** Store the courier's stop order in the outbox (replacing an older one), then try to send it. */
export async function queueOrder(order) {
  await Outbox.enqueueOrder(order);
  registerBackgroundSync();
  syncNow();
}

/** Ask the browser to wake the service worker when the network is back (where supported). */
async function registerBackgroundSync() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  if (registration.sync) await registration.sync.register("outbox").catch(() => {});
}

/** Start the triggers; `onChange` runs whenever the outbox may have changed, in any tab or the worker. */
export function startSync(onChange) {
  window.addEventListener("online", syncNow);
  window.addEventListener("pageshow", syncNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  if (typeof BroadcastChannel === "function") {
    new BroadcastChannel("courier-outbox").addEventListener("message", onChange);
  }
}
