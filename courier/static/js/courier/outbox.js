/* The outbox: hand-overs, failed attempts, take-out scans and the courier's stop order
 * waiting for the server.
 *
 * An ES module shared by the page and the service worker (a module worker).
 * The rules, from docs/courier-sync.md and the known bugs of Workbox's queue:
 * - an entry is written here first, and leaves only after a 200/201 (an entry is
 *   never taken out to be sent and put back, so a failed replay loses nothing: #1984);
 * - entries go in creation order, one at a time, and a transient failure stops the
 *   run instead of skipping ahead (#2640);
 * - one sender at a time across the page and the worker, by a Web Lock (#600), and
 *   a replay the server already has comes back 200 "duplicate" and is dropped (#1480);
 * - 4xx answers that retrying cannot fix put the entry on hold, shown to the courier.
 */
import * as DB from "./db.js";

const LOCK = "courier-outbox";
const ATTEMPTS_URL = "/api/v1/courier/attempts";
const TAKEOUTS_URL = "/api/v1/courier/takeouts";
const ORDER_URL = "/api/v1/courier/round/order";
const ROUND_URL = "/api/v1/courier/round";
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("courier-outbox") : null;
export const OUTCOME_STATE = {
  delivered: "delivered", failed: "failed_attempt", picked_up: "picked_up", pickup_refused: "pickup_refused",
};

/** Store an attempt (and its journal line) in one transaction; the caller then asks for a flush. */
export async function enqueue({ attempt, media, roundId }) {
  const db = await DB.open();
  const tx = db.transaction(["outbox", "journal"], "readwrite");
  tx.objectStore("outbox").add({
    client_id: attempt.client_id, shipment_id: attempt.shipment_id, attempt, media,
    status: "pending", error: null,
  });
  tx.objectStore("journal").put({
    client_id: attempt.client_id, shipment_id: attempt.shipment_id, round_id: roundId,
    outcome: attempt.outcome, captured_at: attempt.captured_at, fees: attempt.fees || null,
    recipient_name: attempt.recipient ? attempt.recipient.name : null,
    failure_reason: attempt.failure_reason || attempt.refusal_reason || null, synced: false, flagged: null,
    // A dossier taken in: what its receipt shows (the ids ticked and the sheets counted).
    documents: attempt.documents || null, pages: attempt.pages || null,
  });
  await tx.done;
  announce({ type: "queued" });
}

/**
 * Store a take-out scan (the morning's "nhận bưu gửi đi phát"). It goes in the same line
 * as the visits, so a hand-over made after it is never sent before it.
 */
export async function enqueueTakeOut({ takeOut }) {
  const db = await DB.open();
  await db.add("outbox", {
    kind: "take_out", client_id: takeOut.client_id, shipment_id: takeOut.shipment_id,
    take_out: takeOut, status: "pending", error: null,
  });
  announce({ type: "queued" });
}

/**
 * Store the courier's order of a round's stops: the phone's copy (meta "order", which the
 * round view shows) and an entry to send, in one transaction. It goes in the same line as
 * the visits, under the same lock and the same answers' rules. Only the newest order of a
 * round means anything, so it replaces the round's earlier order entries, waiting or held
 * (a refused order, e.g. after a dispatcher changed the stops, is outdated by the next
 * move); every other entry, held or not, keeps its place in the line.
 */
export async function enqueueOrder({ roundId, shipmentIds }) {
  const db = await DB.open();
  const tx = db.transaction(["outbox", "meta"], "readwrite");
  const outbox = tx.objectStore("outbox");
  for (const entry of await outbox.getAll()) {
    if (entry.kind === "order" && entry.order.round_id === roundId) outbox.delete(entry.seq);
  }
  const order = { round_id: roundId, shipment_ids: shipmentIds };
  outbox.add({ kind: "order", client_id: crypto.randomUUID(), order, status: "pending", error: null });
  tx.objectStore("meta").put(order, "order");
  await tx.done;
  announce({ type: "queued" });
}

/** Send what is pending, under the lock. Resolves to {sent, held, stopped}; never rejects. */
export function flush() {
  // Every browser the couriers use has Web Locks; without them a lone tab is still safe.
  if (!self.navigator.locks) return drain();
  return self.navigator.locks.request(LOCK, drain);
}

async function drain() {
  const result = { sent: 0, held: 0, stopped: null };
  try {
    for (;;) {
      const entry = (await DB.outboxEntries()).find((item) => item.status === "pending");
      if (!entry) break;
      let answer = await send(entry);
      if (answer.kind === "csrf" && await refreshCsrf()) answer = await send(entry);
      if (answer.kind === "done") {
        await acknowledge(entry, answer.body);
        result.sent += 1;
      } else if (answer.kind === "held") {
        await hold(entry, answer);
        result.held += 1;
      } else {
        result.stopped = answer.kind;  // offline, retry, login or csrf: try again later
        break;
      }
    }
  } catch (error) {
    result.stopped = "retry";  // IndexedDB trouble: keep everything, try again later
  }
  await noteRetry(result.stopped);
  announce({ type: "flushed", result });
  return result;
}

// The file name the server sees (it goes by the bytes; a name helps whoever reads a request).
const EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

/** The request an entry makes: a take-out's or an order's JSON, or an attempt's form with its media. */
function request(entry) {
  if (entry.kind === "take_out") {
    return [TAKEOUTS_URL, JSON.stringify(entry.take_out), { "Content-Type": "application/json" }];
  }
  if (entry.kind === "order") {
    return [ORDER_URL, JSON.stringify(entry.order), { "Content-Type": "application/json" }];
  }
  const form = new FormData();
  form.append("attempt", JSON.stringify(entry.attempt));
  for (const [part, blob] of Object.entries(entry.media || {})) {
    if (blob) form.append(part, blob, `${part}.${EXTENSIONS[blob.type] || "jpg"}`);
  }
  return [ATTEMPTS_URL, form, {}];
}

async function send(entry) {
  const [url, payload, headers] = request(entry);
  let response;
  let body = {};
  try {
    response = await fetch(url, {
      method: "POST", body: payload, credentials: "same-origin",
      headers: { ...headers, "X-CSRFToken": (await DB.getMeta("csrf")) || "", Accept: "application/json" },
    });
    body = await response.json().catch(() => ({}));
  } catch (error) {
    // Includes an answer cut off mid-way: the server may have stored it, the replay says so.
    return { kind: "offline" };
  }
  const status = response.status;
  if (status === 200 || status === 201) return { kind: "done", body };
  if (status === 400 && body.error === "csrf") return { kind: "csrf" };
  if (status === 401) return { kind: "login" };
  if (status === 408 || status === 429 || status >= 500) return { kind: "retry" };
  return { kind: "held", status, body };
}

/** A fresh CSRF token from the round's X-CSRFToken header; false if none could be had. */
async function refreshCsrf() {
  try {
    const response = await fetch(ROUND_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const token = response.ok && response.headers.get("X-CSRFToken");
    if (token) await DB.setMeta("csrf", token);
    return Boolean(token);
  } catch (error) {
    return false;
  }
}

async function acknowledge(entry, body) {
  const db = await DB.open();
  const tx = db.transaction(["outbox", "journal", "round"], "readwrite");
  tx.objectStore("outbox").delete(entry.seq);
  const journal = tx.objectStore("journal");
  const line = await journal.get(entry.client_id);
  if (line) await journal.put({ ...line, synced: true, flagged: body.flagged || null });
  const rounds = tx.objectStore("round");
  const stored = await rounds.get("today");
  // An order entry names no stop (and has no journal line): it only leaves the line.
  const stop = stored && entry.shipment_id && stored.stops.find((item) => item.shipment_id === entry.shipment_id);
  if (stop) {
    stop.state = body.shipment_state
      || (entry.kind === "take_out" ? "out_for_delivery" : OUTCOME_STATE[entry.attempt.outcome]);
    await rounds.put(stored, "today");
  }
  await tx.done;
}

async function hold(entry, answer) {
  const body = answer.body || {};
  const db = await DB.open();
  await db.put("outbox", {
    ...entry, status: "held",
    error: { status: answer.status, message: body.message || null, fields: body.fields || null },
  });
}

/**
 * Put a refused entry back in line, when what the server refused may have changed
 * (the day's upload allowance renewed, the round fixed by a dispatcher). Nothing
 * is ever dropped from the outbox here: a refused entry waits, kept and exportable.
 */
export async function release(seq) {
  const db = await DB.open();
  const entry = await db.get("outbox", seq);
  if (!entry || entry.status !== "held") return false;
  const { error, ...rest } = entry;
  await db.put("outbox", { ...rest, status: "pending", last_refusal: error });
  announce({ type: "queued" });
  return true;
}

/** Backoff state for the page's timer: failures in a row, reset by a clean run. */
async function noteRetry(stopped) {
  const previous = (await DB.getMeta("retry").catch(() => null)) || { failures: 0 };
  const failures = stopped ? previous.failures + 1 : 0;
  if (failures !== previous.failures || stopped !== previous.stopped) {
    await DB.setMeta("retry", { failures, stopped }).catch(() => {});
  }
}

function announce(message) {
  if (channel) channel.postMessage(message);
}

