// Today's round: downloaded when there is a network, kept in IndexedDB for the day,
// shown in the courier's own order and with what this phone has done but not yet sent.
import { classifyCode, sha256Hex } from "./codes.js";
import * as DB from "./db.js";
import { t } from "./dom.js";
import { OUTCOME_STATE } from "./outbox.js";
import { queueOrder } from "./sync.js";

const JSON_HEADERS = { Accept: "application/json" };

/**
 * Download the round and keep it (with the newest CSRF token, which the outbox needs).
 * Resolves to "ok", "login" (session gone), "offline" or "error"; never rejects.
 */
export async function downloadRound() {
  let response;
  try {
    response = await fetch("/api/v1/courier/round", { credentials: "same-origin", headers: JSON_HEADERS });
  } catch (error) {
    return "offline";
  }
  if (response.status === 401) return "login";
  if (!response.ok) return "error";
  const data = await response.json();
  const token = response.headers.get("X-CSRFToken");
  if (token) await DB.setMeta("csrf", token);
  await keep(data);
  return "ok";
}

async function keep(data) {
  const db = await DB.open();
  const tx = db.transaction(["round", "journal"], "readwrite");
  tx.objectStore("round").put({ ...data, fetched_at: new Date().toISOString() }, "today");
  // Yesterday's journal lines are done with once sent; today's stay for the tally.
  const roundId = data.round ? data.round.id : null;
  for (const line of await tx.objectStore("journal").getAll()) {
    if (line.synced && line.round_id !== roundId) tx.objectStore("journal").delete(line.client_id);
  }
  await tx.done;
}

/**
 * The kept round, or null if none was ever downloaded. Stops come in the courier's
 * order, each with `effective_state` (today's visit from this phone, else the server's
 * state) and `pending` (that visit is not on the server yet).
 */
export async function currentRound() {
  const stored = await DB.getRound();
  if (!stored) return null;
  const [order, journal, entries] = await Promise.all([DB.getMeta("order"), DB.journal(), DB.outboxEntries()]);
  // A take-out scanned on this phone and not yet on the server: the item is in the bag.
  const takenHere = new Set(entries.filter((entry) => entry.kind === "take_out" && entry.status === "pending")
    .map((entry) => entry.shipment_id));
  // Today's visit from this phone says more than the server's state: after a failed visit
  // the server already has the shipment back to "assigned" for another day.
  const roundId = stored.round ? stored.round.id : null;
  const visits = new Map(journal.filter((line) => line.round_id === roundId)
    .sort((a, b) => a.captured_at.localeCompare(b.captured_at))
    .map((line) => [line.shipment_id, line]));
  const stops = ordered(stored, order).map((stop) => {
    const visit = visits.get(stop.shipment_id);
    if (!visit && stop.state === "assigned" && takenHere.has(stop.shipment_id)) {
      return { ...stop, effective_state: "out_for_delivery", pending: true };
    }
    return { ...stop, effective_state: visit ? OUTCOME_STATE[visit.outcome] : stop.state,
      pending: Boolean(visit && !visit.synced) };
  });
  return { ...stored, stops, journal };
}

function ordered(stored, order) {
  if (!stored.round || !order || order.round_id !== stored.round.id) return stored.stops;
  const rank = new Map(order.shipment_ids.map((id, index) => [id, index]));
  // Stops added by the dispatcher since the courier reordered go last, in the server's order.
  return [...stored.stops].sort((a, b) =>
    (rank.get(a.shipment_id) ?? Infinity) - (rank.get(b.shipment_id) ?? Infinity) || a.position - b.position);
}

/** Move a stop up (-1) or down (+1), keep the order on the phone, and queue it for the server. */
export async function moveStop(round, shipmentId, delta) {
  const ids = round.stops.map((stop) => stop.shipment_id);
  const from = ids.indexOf(shipmentId);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= ids.length) return;
  [ids[from], ids[to]] = [ids[to], ids[from]];
  await queueOrder({ roundId: round.round.id, shipmentIds: ids });
}

/**
 * The stop a scanned or typed code names, matched on the phone as the contract says
 * (citizen link by SHA-256, shipment UUID, dossier code). Resolves to {kind, stop};
 * kind "cccd" is an ID card, not a label; stop is undefined when nothing matches.
 */
export async function findStop(stops, text) {
  const code = classifyCode(text);
  if (!code) return { kind: null };
  let stop;
  if (code.kind === "citizen_link") {
    const hash = await sha256Hex(code.token);
    // A shipment may have several live links (the agency's slip, the label): any of them names it.
    stop = stops.find((item) => (item.citizen_token_hashes || []).includes(hash));
  } else if (code.kind === "uuid") {
    stop = stops.find((item) => item.shipment_id.toLowerCase() === code.uuid);
  } else if (code.kind === "dossier_code") {
    // As the server matches it (classifyCode has upper-cased a national code typed in lower case).
    stop = stops.find((item) => item.dossier_code === code.code);
  }
  return { kind: code.kind, stop };
}

/** Where a code that is not on this round stands (GET /lookup); null when that cannot be asked. */
export async function lookup(text) {
  try {
    const response = await fetch(`/api/v1/courier/lookup?code=${encodeURIComponent(text.trim())}`,
      { credentials: "same-origin", headers: JSON_HEADERS });
    return response.ok ? await response.json() : null;
  } catch (error) {
    return null;
  }
}

// What each place the look-up answers tells the courier to do. Never who holds it: the server
// does not say (any courier may type any code), and an envelope goes back through the desk.
const WHERE_SAID = {
  your_round: "lookup_your_round", other_courier: "lookup_other_courier",
  post_office: "lookup_post_office", closed: "lookup_closed",
};

/** The sentence for a look-up's answer: offline, unknown code, or what to do with the envelope. */
export function lookupSaid(answer) {
  if (answer === null) return t("lookup_offline");
  if (!answer.found) return t("unknown_code");
  return WHERE_SAID[answer.where] ? t(WHERE_SAID[answer.where]) : "";
}
