/* The courier's IndexedDB, shared by the page and the service worker.
 *
 * An ES module, imported by the page's modules and by the service worker (a module
 * worker): the worker must be able to replay the outbox with no page open.
 * Stores:
 *   meta     key -> value: "csrf" (newest token), "order" (the courier's stop order, as
 *            shown; the outbox sends it), "retry" (backoff state), "owner" (whose data this is)
 *   round    "today" -> the round as GET /api/v1/courier/round gave it
 *   outbox   attempts, take-outs and stop orders waiting for the server (outbox.js), keyed
 *            by an auto-increment seq, which
 *            is their creation order (the order they must be sent in)
 *   journal  one line per attempt made on this phone, without media or ID numbers,
 *            for the end-of-day tally after the outbox has emptied
 */
import { openDB } from "/static/vendor/idb-8.0.4/index.js";

const NAME = "courier";
const VERSION = 1;
const STORES = ["meta", "round", "outbox", "journal"];
let opening = null;

export function open() {
  if (!opening) {
    opening = openDB(NAME, VERSION, {
      upgrade(db) {
        db.createObjectStore("meta");
        db.createObjectStore("round");
        db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        db.createObjectStore("journal", { keyPath: "client_id" });
      },
      // A newer page or worker wants to upgrade the schema: let go so it is not blocked.
      blocking() { close(); },
      terminated() { opening = null; },
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

async function close() {
  const pending = opening;
  opening = null;
  if (pending) (await pending).close();
}

export async function getMeta(key) {
  return (await open()).get("meta", key);
}

export async function setMeta(key, value) {
  return (await open()).put("meta", value, key);
}

export async function getRound() {
  return (await open()).get("round", "today");
}

/** Everything in creation order (the seq key). */
export async function outboxEntries() {
  return (await open()).getAll("outbox");
}

export async function journal() {
  return (await open()).getAll("journal");
}

/** Empty every store (on logout): nothing personal stays on a shared phone. */
export async function clearAll() {
  const db = await open();
  const tx = db.transaction(STORES, "readwrite");
  await Promise.all([...STORES.map((name) => tx.objectStore(name).clear()), tx.done]);
}

