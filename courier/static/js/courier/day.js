// #/day: the end-of-day tally for handing in cash, what still waits for the server,
// what the server refused, and an export of everything unsent for a dispatcher to import.
import * as DB from "./db.js";
import { release } from "./outbox.js";
import { clone, fill, money, ownerName, ref, say, slot, t } from "./dom.js";
import { checkStorage, storageWarning } from "./session.js";
import { syncNow } from "./sync.js";

const STILL_OPEN = new Set(["out_for_delivery", "assigned"]);

export async function showDay(view, { round }) {
  const page = clone("tpl-day");
  view.append(page);
  const entries = await DB.outboxEntries();
  const roundId = round && round.round ? round.round.id : null;
  const lines = round ? round.journal.filter((line) => line.round_id === roundId) : [];
  const delivered = lines.filter((line) => line.outcome === "delivered");
  // Cash is handed in for a dossier's fee taken at the door as for a result's.
  const paying = lines.filter((line) => line.outcome === "delivered" || line.outcome === "picked_up");
  const sum = (method, part) => paying
    .filter((line) => line.fees && line.fees.method === method)
    .reduce((total, line) => total + (line.fees[part] || 0), 0);
  // Still to visit: out with the courier, or planned and not yet taken out of the office.
  const open = round ? round.stops.filter((stop) => STILL_OPEN.has(stop.effective_state)).length : 0;
  fill(page, {
    date: round && round.round ? round.round.date_label : "",
    delivered: String(delivered.length),
    failed: String(lines.length - delivered.length),
    remaining: String(open),
    pending: String(entries.length),
    "cash-agency": money(sum("cash", "agency")),
    "cash-postage": money(sum("cash", "postage")),
    "cash-total": money(sum("cash", "agency") + sum("cash", "postage")),
    "transfer-total": money(sum("transfer", "agency") + sum("transfer", "postage")),
  });

  const held = entries.filter((entry) => entry.status === "held");
  ref(page, "held-box").hidden = held.length === 0;
  for (const entry of held) {
    const item = document.createElement("li");
    const stop = round && round.stops.find((s) => s.shipment_id === entry.shipment_id);
    const why = entry.error.message ? t("held", { message: entry.error.message })
      : t("held_unknown", { status: entry.error.status });
    const name = entry.kind === "order" ? t("order_entry") : stop ? stop.applicant_name : entry.shipment_id;
    const text = document.createElement("span");
    text.textContent = `${name}: ${why}`;
    const resend = document.createElement("button");
    resend.type = "button";
    resend.className = "button small";
    resend.textContent = t("resend");
    resend.setAttribute("aria-label", t("resend_label", { name }));
    resend.addEventListener("click", async () => {
      resend.disabled = true;
      if (await release(entry.seq)) await syncNow();
    });
    item.append(text, resend);
    ref(page, "held").append(item);
  }

  ref(page, "export").addEventListener("click", async () => {
    const pending = await DB.outboxEntries();
    if (!pending.length) {
      say(document.getElementById("notice"), t("export_empty"));
      return;
    }
    download(await exportFile(pending), `courier-${ownerName()}-${new Date().toISOString().slice(0, 19).replaceAll(":", "")}.json`);
  });

  checkStorage().then((share) => say(slot(page, "storage"), storageWarning(share))).catch(() => {});
}

/** The unsent captures as one JSON file: the attempts as they would be posted, media in base64. */
async function exportFile(entries) {
  const exported = await Promise.all(entries.map(async (entry) => {
    const media = {};
    for (const [part, blob] of Object.entries(entry.media || {})) {
      if (blob) media[part] = { content_type: blob.type, base64: await base64(blob) };
    }
    return { kind: entry.kind || "attempt", attempt: entry.attempt, take_out: entry.take_out, order: entry.order, media,
      status: entry.status, error: entry.error };
  }));
  const body = { format: "courier-outbox-export", version: 1, courier: ownerName(),
    exported_at: new Date().toISOString(), entries: exported };
  return new Blob([JSON.stringify(body, null, 1)], { type: "application/json" });
}

function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1]);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function download(blob, filename) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
