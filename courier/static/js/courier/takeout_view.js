// #/takeout: the morning's "nhận bưu gửi đi phát". The courier scans each item the office
// hands over; each scan goes through the outbox (so it works with no signal, and is sent
// once), and the item counts as in the bag at once. Items still at the office are listed.
import { clone, fill, ref, say, slot, t } from "./dom.js";
import * as Outbox from "./outbox.js";
import { isPickup } from "./pickup.js";
import { findStop, lookup, lookupSaid } from "./round.js";
import { startScanner } from "./scan.js";
import { syncNow } from "./sync.js";


/** Whether a stop still waits at the office ("chưa nhận"). Assigned again after a failed
 * visit, an item is still in the courier's bag. A pickup carries nothing out: never waited for. */
function waitsAtOffice(stop) {
  return !isPickup(stop) && stop.effective_state === "assigned" && !stop.with_courier;
}

/** The round's stops still waiting at the office. */
function notTakenOut(round) {
  return round ? round.stops.filter(waitsAtOffice) : [];
}

/** The round's stops whose item the office hands over: what "taken x of y" counts. */
function carried(round) {
  return round ? round.stops.filter((stop) => !isPickup(stop)) : [];
}

/** On the round view: a banner leading to the take-out while items wait at the office. */
export function offerTakeOut(page, round) {
  const banner = ref(page, "takeout");
  if (!banner) return;
  const waiting = notTakenOut(round).length;
  banner.hidden = waiting === 0;
  say(slot(banner, "takeout-count"), t("takeout_waiting", { count: waiting }));
}

export function showTakeOut(view, { round, refresh }) {
  const page = clone("tpl-takeout");
  view.append(page);
  const result = slot(page, "result");
  const stops = round ? round.stops : [];
  const scannedNow = new Set();  // this screen's scans, before the outbox has redrawn the list
  let busy = false;
  drawWaiting(page, round, scannedNow);

  async function handle(text) {
    if (busy) return;
    busy = true;
    try {
      const { kind, stop } = await findStop(stops, text);
      if (!kind) return;
      if (!stop) {
        result.dataset.kind = "refused";
        say(result, t("takeout_not_on_round", { code: shortCode(text) }));
        const answer = await lookup(text);  // null offline: the code as scanned is all we know
        if (answer && answer.found) {
          say(result, `${t("takeout_not_on_round", { code: answer.dossier_code })} ${lookupSaid(answer)}`.trim());
        }
        return;
      }
      if (isPickup(stop)) {  // nothing of it is at the office: refused here, never sent
        result.dataset.kind = "refused";
        say(result, t("takeout_pickup", { name: stop.applicant_name, code: stop.dossier_code }));
        return;
      }
      result.dataset.kind = "ok";
      if (!waitsAtOffice(stop) || scannedNow.has(stop.shipment_id)) {
        say(result, t("takeout_already", { name: stop.applicant_name, code: stop.dossier_code }));
        return;
      }
      scannedNow.add(stop.shipment_id);
      await Outbox.enqueueTakeOut({ takeOut: {
        client_id: crypto.randomUUID(), shipment_id: stop.shipment_id, taken_at: new Date().toISOString(),
      } });
      say(result, t("takeout_done", { name: stop.applicant_name, code: stop.dossier_code }));
      drawWaiting(page, round, scannedNow);
      syncNow();
      await refresh();
    } finally {
      busy = false;
    }
  }

  ref(page, "manual").addEventListener("submit", (event) => {
    event.preventDefault();
    handle(event.target.elements.code.value);
    event.target.reset();
  });
  const leaving = new AbortController();
  startScanner(ref(page, "camera"), handle, {
    signal: leaving.signal,
    onError: (code) => say(slot(page, "camera-state"), t(code === "denied" ? "camera_denied" : "camera_failed")),
  });
  return () => leaving.abort();
}

function drawWaiting(page, round, scannedNow) {
  const waiting = notTakenOut(round).filter((stop) => !scannedNow.has(stop.shipment_id));
  const total = carried(round).length;
  fill(page, { progress: t("takeout_progress", { taken: total - waiting.length, total }) });
  slot(page, "all-taken").hidden = waiting.length > 0 || total === 0;
  const list = ref(page, "waiting");
  list.replaceChildren();
  for (const stop of waiting) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = stop.applicant_name;
    const code = document.createElement("span");
    code.className = "code";
    code.textContent = stop.dossier_code;
    item.append(name, " ", code);
    list.append(item);
  }
}

function shortCode(text) {
  const code = text.trim();
  return code.length > 40 ? `${code.slice(0, 40)}…` : code;
}
