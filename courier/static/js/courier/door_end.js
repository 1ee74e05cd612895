// How a pickup's visit ends besides the checklist (door.js): #/pickup-refused/<id>, the dossier
// not taken in (a reason from the round's list; for a missing document, which ones), and
// #/receipt/<id>, the biên nhận shown to the citizen once it was taken in. Its QR carries the
// receipt's citizen link, which the round brings (`pickup.receipt_link`, derived on the server so
// it can be sent again): the citizen scans it to follow the dossier to its result.
import { clone, fill, money, ref, say, t } from "./dom.js";
import { drawQr } from "./citizen_link.js";
import { documentBox, ticked } from "./door.js";
import { visitForm } from "./fail.js";
import { queue } from "./sync.js";

export function showRefusal(view, { round, stop, go }) {
  const { form, error, location, photo } = visitForm(view, "tpl-door-refusal", round, stop,
    round.pickup_refusal_reasons || []);
  const documents = (stop.pickup && stop.pickup.documents) || [];
  // The documents a citizen can lack and so be refused for: the required ones (all, if none is).
  const required = documents.filter((paper) => paper.required);
  for (const paper of required.length ? required : documents) ref(form, "missing").append(documentBox(paper, "missing"));
  const chosen = () => (form.querySelector('input[name="reason"]:checked') || {}).value;
  form.addEventListener("change", () => {
    ref(form, "missing").hidden = chosen() !== "missing_document";
    say(error, "");  // the courier is answering what the last refusal said
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = chosen();
    const note = form.elements.note.value.trim();
    const missing = reason === "missing_document" ? ticked(form, "missing") : [];
    const problem = !reason ? t("reason_required")
      : reason === "missing_document" && !missing.length ? t("door_missing_pick")
      : reason === "other" && !note ? t("note_required") : "";
    say(error, problem);
    if (problem) return;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const photoBlob = await photo.blob();
      const attempt = {
        client_id: crypto.randomUUID(), shipment_id: stop.shipment_id, outcome: "pickup_refused",
        captured_at: new Date().toISOString(), location: await location,
        refusal_reason: reason, missing_documents: missing.length ? missing : null, note: note || null,
      };
      await queue({ attempt, media: photoBlob ? { photo: photoBlob } : {}, roundId: round.round.id });
      go("#/", t("saved"));
    } finally {
      button.disabled = false;
    }
  });
  return () => photo.release();
}

/** The receipt of the dossier taken in on this phone today (its journal line), or the stop if none. */
export async function showReceipt(view, { round, stop, go }) {
  const roundId = round.round ? round.round.id : null;
  const line = (round.journal || []).filter((item) => item.shipment_id === stop.shipment_id
    && item.round_id === roundId && item.outcome === "picked_up")
    .sort((a, b) => b.captured_at.localeCompare(a.captured_at))[0];
  if (!line) {
    go(`#/stop/${stop.shipment_id}`);
    return null;
  }
  const page = clone("tpl-receipt");
  view.append(page);
  const pickup = stop.pickup || {};
  const names = new Map((pickup.documents || []).map((paper) => [paper.id, paper.name]));
  const fees = line.fees || {};
  fill(page, {
    code: stop.dossier_code, procedure: pickup.procedure_name || stop.procedure_name,
    applicant: stop.applicant_name, pages: String(line.pages || ""),
    fee: fees.agency ? `${money(fees.agency)} · ${t(fees.method === "transfer" ? "door_transfer" : "door_cash")}`
      : money(0),
    time: new Date(line.captured_at).toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh",
      hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric" }),
  });
  const list = ref(page, "documents");
  for (const id of line.documents || []) {
    const item = document.createElement("li");
    item.textContent = names.get(id) || `#${id}`;
    list.append(item);
  }
  ref(page, "back").href = `#/stop/${stop.shipment_id}`;
  const image = ref(page, "qr");
  // The citizen's link to follow the dossier (the round carries it); the reference if it was revoked.
  // Offline with the QR drawer never loaded: the reference in large type only.
  image.hidden = !(await drawQr(image, pickup.receipt_link || stop.dossier_code));
  return null;
}
