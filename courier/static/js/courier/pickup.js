// A pickup on the round: a dossier to take in at the citizen's door (the server's direction
// "collect_dossier", docs/courier-sync.md). The courier carries nothing out of the office for it
// and hands nothing over, so it has no take-out scan and no hand-over: its stop lists the
// documents to check, and its visit ends at the door's checklist or refusal (door.js, door_end.js).
import { clone, fill, money, ref, slot, t } from "./dom.js";

export function isPickup(stop) {
  return Boolean(stop) && stop.direction === "collect_dossier";
}

/** The day and part of the day the citizen asked for: "04/12/2026 · Buổi sáng (8:00–11:30)". */
export function appointment(stop) {
  const pickup = stop.pickup || {};
  return [pickup.preferred_date_label || stop.due_date_label, pickup.preferred_slot_label]
    .filter(Boolean).join(" · ");
}

/** Mark a stop as a pickup (its badge) and show its appointment instead of the result's due date. */
export function markPickup(element, stop) {
  const pickup = isPickup(stop);
  ref(element, "kind").hidden = !pickup;
  element.querySelectorAll("[data-result-only]").forEach((node) => { node.hidden = pickup; });
  element.querySelectorAll("[data-pickup-only]").forEach((node) => { node.hidden = !pickup; });
  if (pickup) fill(element, { appointment: appointment(stop) });
}

/** Fill the stop view's pickup box: the appointment, the citizen's note, the documents to check. */
export function showPickup(page, stop) {
  markPickup(page, stop);
  if (!isPickup(stop)) return;
  const pickup = stop.pickup || {};
  fill(page, {
    "pickup-procedure": pickup.procedure_name || stop.procedure_name,
    "pickup-fee": money(pickup.fee_agency ?? stop.fee_agency),
    "pickup-note": pickup.note || "",
  });
  ref(page, "pickup-note").hidden = !pickup.note;
  const list = ref(page, "documents");
  for (const paper of pickup.documents || []) list.append(documentItem(paper));
  ref(page, "no-documents").hidden = (pickup.documents || []).length > 0;
}

/** One document to check: "Tờ khai …" and "1 bản chính · bắt buộc". */
function documentItem(paper) {
  const item = clone("tpl-document");
  const copies = t(paper.original ? "document_original" : "document_copy", { count: paper.copies || 1 });
  const need = t(paper.required ? "document_required" : "document_optional");
  fill(item, { name: paper.name, detail: `${copies} · ${need}` });
  return item;
}
