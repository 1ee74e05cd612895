// #/pickup/<id>: taking a citizen's dossier in at the door (docs/courier-sync.md, "POST
// /api/v1/courier/attempts for a pickup"). The courier ticks each document handed over, counts
// the pages, collects the agency's fee and has the citizen sign; the visit goes to the same
// outbox as a hand-over, so it works offline. Confirming stays disabled, with the reason shown,
// while the server would refuse it: a required document not ticked, pages not 1–500, no ink.
import { clone, fill, ref, say, slot, t } from "./dom.js";
import { sampleLocation } from "./geo.js";
import { photoInput } from "./images.js";
import { offerTransferQr } from "./citizen_link.js";
import { signaturePad } from "./signature.js";
import { queue } from "./sync.js";

const MAX_PAGES = 500;

export function showDoor(view, { round, stop, go }) {
  const form = clone("tpl-door");
  view.append(form);
  const pickup = stop.pickup || {};
  fill(form, {
    procedure: pickup.procedure_name || stop.procedure_name, code: stop.dossier_code, applicant: stop.applicant_name,
  });
  ref(form, "back").href = `#/stop/${stop.shipment_id}`;
  const list = ref(form, "documents");
  for (const paper of pickup.documents || []) list.append(documentBox(paper, "document"));
  ref(form, "no-documents").hidden = (pickup.documents || []).length > 0;
  form.elements.handed_by.value = stop.applicant_name || "";
  const fee = pickup.fee_agency ?? stop.fee_agency ?? 0;
  form.elements.fee_agency.value = String(fee);
  ref(form, "fees").hidden = !fee;
  offerTransferQr(form, { vietqr: pickup.vietqr || null });
  const door = {
    form, stop, round, pickup, location: sampleLocation(), error: slot(form, "error"),
  };
  door.signature = signaturePad(ref(form, "signature"), { onStroke: () => review(door) });
  door.photo = photoInput(form.elements.photo, ref(form, "photo-preview"), (m) => say(door.error, m),
    { processing: t("photo_processing"), failed: t("photo_failed") });
  ref(form, "clear-signature").addEventListener("click", () => {
    door.signature.clear();
    review(door);
  });
  form.addEventListener("input", () => review(door));
  form.addEventListener("change", () => review(door));
  form.addEventListener("submit", (event) => submit(event, door, go));
  review(door);
  return () => {
    door.signature.destroy();
    door.photo.release();
  };
}

/** One document as a large checkbox: its name, "2 bản chính", and whether it is required. */
export function documentBox(paper, name) {
  const box = clone("tpl-check");
  const input = box.querySelector("input");
  input.name = name;
  input.value = String(paper.id);
  input.dataset.required = paper.required ? "1" : "";
  const copies = t(paper.original ? "document_original" : "document_copy", { count: paper.copies || 1 });
  fill(box, { name: paper.name, detail: copies, need: t(paper.required ? "document_required" : "document_optional") });
  slot(box, "need").classList.toggle("required", Boolean(paper.required));
  return box;
}

/** The ids ticked in the checkboxes called `name`, as numbers. */
export function ticked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((input) => Number(input.value));
}

/** What stops the confirm now, in the courier's words ("" when nothing), and the form's values. */
function problemOf({ form, signature }) {
  const missing = [...form.querySelectorAll('input[name="document"]')]
    .filter((input) => input.dataset.required && !input.checked).length;
  const pagesText = form.elements.pages.value.trim();
  const pages = /^\d{1,3}$/.test(pagesText) ? Number(pagesText) : null;
  const handedBy = form.elements.handed_by.value.trim();
  const agency = digits(form.elements.fee_agency.value);
  const problem = missing ? t("door_missing_documents", { count: missing })
    : pages === null || pages < 1 || pages > MAX_PAGES ? t("door_pages_invalid")
    : !handedBy ? t("door_handed_by_required")
    : agency === null ? t("fees_invalid")
    : signature.inkProblem() ? t(signature.inkProblem() === "signature_blank" ? "door_sign" : "signature_too_dark")
    : "";
  return { problem, pages, handedBy, agency };
}

/** Enable the confirm only when the server would take the visit, and say why it is not. */
function review(door) {
  const { problem } = problemOf(door);
  door.form.querySelector("button[type=submit]").disabled = Boolean(problem);
  say(slot(door.form, "blocker"), problem);
  return problem;
}

async function submit(event, door, go) {
  event.preventDefault();
  const { form, stop, round } = door;
  const values = problemOf(door);
  if (values.problem) return;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const photoBlob = await door.photo.blob();
    const attempt = {
      client_id: crypto.randomUUID(), shipment_id: stop.shipment_id, outcome: "picked_up",
      captured_at: new Date().toISOString(), location: await door.location,
      handed_by: values.handedBy, documents: ticked(form, "document"), pages: values.pages,
      fees: { agency: values.agency, postage: 0, method: (form.querySelector("input[name=method]:checked") || {}).value },
      consent_version: ref(form, "consent").dataset.version,  // the text the citizen was shown
      note: form.elements.note.value.trim() || null,
    };
    const media = { signature: await door.signature.toBlob() };
    if (photoBlob) media.photo = photoBlob;
    await queue({ attempt, media, roundId: round.round.id });
    go(`#/receipt/${stop.shipment_id}`, t("saved"));
  } finally {
    button.disabled = false;
  }
}

/** Whole đồng from what was typed ("200.000" or "200000"); null if it is not a number. */
function digits(text) {
  const cleaned = String(text).replace(/[.,\s₫]/g, "");
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : null;
}
