// #/handover/<id>: handing the result over, with proof.
// Standard case (the applicant, nothing to compare or a match, cash): the form opens
// with everything prefilled, so the courier only has the recipient sign, takes the
// photo and confirms. The full ID number read from a CCCD stays in this closure: only
// its masked tail is put in the attempt, and nothing of it is written to IndexedDB.
import { addOptions, clone, fill, money, ref, say, slot, t } from "./dom.js";
import { sampleLocation } from "./geo.js";
import { photoInput } from "./images.js";
import { checkId, expectedPerson, sameName } from "./recipient.js";
import { parseCccd } from "./codes.js";
import { startScanner } from "./scan.js";
import { offerCitizenLink, offerTransferQr, showCitizenNote } from "./citizen_link.js";
import { signaturePad } from "./signature.js";
import { queue } from "./sync.js";

export function showHandover(view, { round, stop, go }) {
  const form = clone("tpl-handover");
  view.append(form);
  const h = openForm(form, stop, round);
  prefill(h);
  listen(h, go);
  fees(h);
  review(h);
  return () => {
    closeScanner(h);
    h.citizenQr.close();
    h.signature.destroy();
    h.photo.release();
    h.letter.release();
  };
}

/** The form's state: its parts, the pad and photos, and what the courier did so far. */
function openForm(form, stop, round) {
  fill(form, { procedure: stop.procedure_name, code: stop.dossier_code, applicant: stop.applicant_name });
  ref(form, "back").href = `#/stop/${stop.shipment_id}`;
  const h = {
    form, stop, round,
    field: (name) => form.elements[name],
    error: slot(form, "error"),
    location: sampleLocation(),  // started now, ready by the time the courier confirms
    card: null,  // the scanned CCCD, in memory only
    refused: "",  // the problem the last confirm showed, until it is fixed
    scanning: null,  // an AbortController while the camera is open
  };
  h.signature = signaturePad(ref(form, "signature"), { onStroke: () => recheck(h) });
  const photoMessages = { processing: t("photo_processing"), failed: t("photo_failed") };
  const showError = (message) => say(h.error, message);
  h.photo = photoInput(h.field("photo"), ref(form, "photo-preview"), showError, photoMessages);
  h.letter = photoInput(h.field("authorisation_letter"), ref(form, "letter-preview"), showError, photoMessages);
  showCitizenNote(form, stop);
  h.citizenQr = offerCitizenLink(ref(form, "citizen-qr"), stop);
  offerTransferQr(form, stop);
  return h;
}

/** The standard case filled in: the applicant's name, the fees due, the authorised persons offered. */
function prefill({ form, stop, field }) {
  const persons = stop.authorised_persons || [];
  ref(form, "authorised-option").hidden = persons.length === 0;
  addOptions(ref(form, "persons"), "person", persons.map((person, index) => ({
    value: String(index),
    label: person.relationship ? `${person.full_name} (${person.relationship})` : person.full_name,
  })));
  field("recipient_name").value = stop.applicant_name;
  field("fee_agency").value = String(stop.fee_agency || 0);
  field("fee_postage").value = String(stop.fee_postage || 0);
  ref(form, "fees").hidden = !(stop.fee_agency || stop.fee_postage);
}

/** The form's listeners: choices, typing, the CCCD scanner, the pad, and confirming. */
function listen(h, go) {
  const { form } = h;
  form.addEventListener("change", (event) => {
    if (event.target.name === "relationship" || event.target.name === "person") choose(h);
    recheck(h);
  });
  form.addEventListener("input", (event) => {
    if (event.target.name === "id_tail") h.card = null;  // typed digits replace a scanned card
    if (["id_tail", "recipient_name"].includes(event.target.name)) review(h);
    if (event.target.name.startsWith("fee_")) fees(h);
    recheck(h);
  });
  ref(form, "scan-id").addEventListener("click", () => scanCard(h));
  ref(form, "clear-signature").addEventListener("click", () => h.signature.clear());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const capture = await collect(h);
      if (!capture) return;
      await queue(capture);
      go("#/", t("saved"));
    } finally {
      button.disabled = false;
    }
  });
}

// form.elements[name].value misreads a lone radio button, so ask for the checked one.
function checked({ form }, name) {
  return (form.querySelector(`input[name="${name}"]:checked`) || {}).value;
}

function expected(h) {
  return expectedPerson(h.stop, checked(h, "relationship"), Number(checked(h, "person")));
}

/** What does not match, given what is on the form now (shown on the form as well). */
function review(h) {
  const { form, field } = h;
  const person = expected(h);
  const id = checkId(h.card ? h.card.idNumber : field("id_tail").value, person ? person.tail : null);
  const problems = [];
  if (person && field("recipient_name").value.trim() && !sameName(field("recipient_name").value, person.name)) {
    problems.push("name_mismatch");
  }
  // Only what does not match can be overridden: a missing ID is asked for, not excused.
  if (id.problem === "id_mismatch") problems.push(id.problem);
  const result = slot(form, "id-result");
  if (id.check === "matched") say(result, t("id_matched", { masked: id.masked }));
  else if (id.masked && id.check === "not_given") say(result, t("id_recorded", { masked: id.masked }));
  else say(result, "");
  result.classList.toggle("ok", id.check === "matched");
  ref(form, "override").hidden = problems.length === 0;
  slot(form, "mismatch").textContent = problems.map((key) => t(key)).join(" ");
  return { person, id, problems };
}

/** Another recipient chosen (the applicant, an authorised person): their name, no ID yet. */
function choose(h) {
  const { form, field } = h;
  const authorised = checked(h, "relationship") === "authorised";
  ref(form, "authorised").hidden = !authorised;
  const person = expected(h);
  field("recipient_name").value = person ? person.name : "";
  field("authorised_relationship").value = (person && person.relationship) || "";
  h.card = null;
  field("id_tail").value = "";
  review(h);
}

/** The fees as typed (null where not a number), with their total shown. */
function fees(h) {
  const agency = digits(h.field("fee_agency").value);
  const postage = digits(h.field("fee_postage").value);
  slot(h.form, "fee-total").textContent = agency === null || postage === null ? "—" : money(agency + postage);
  return { agency, postage, method: checked(h, "method") };
}

/** The CCCD's QR gives the name and the full number; the number stays in `h.card`. */
function scanCard(h) {
  if (h.scanning) return;
  h.scanning = new AbortController();
  const camera = ref(h.form, "id-camera");
  camera.hidden = false;
  startScanner(camera, (text) => {
    const parsed = parseCccd(text);
    if (!parsed) {
      say(h.error, t("not_a_cccd"));
      return;
    }
    h.card = parsed;
    h.field("id_tail").value = "";
    h.field("recipient_name").value = parsed.fullName;
    say(h.error, "");
    closeScanner(h);
    review(h);
  }, {
    signal: h.scanning.signal,
    onError: (code) => {
      say(h.error, t(code === "denied" ? "camera_denied" : "camera_failed"));
      closeScanner(h);
    },
  });
}

function closeScanner(h) {
  if (h.scanning) h.scanning.abort();
  h.scanning = null;
  ref(h.form, "id-camera").hidden = true;
}

/** What stops the hand-over now, in the courier's words ("" if nothing), with the form's values. */
async function firstProblem(h) {
  const { field, signature } = h;
  const { person, id, problems } = review(h);
  const name = field("recipient_name").value.trim();
  const collected = fees(h);
  const authorised = checked(h, "relationship") === "authorised";
  const override = field("override_reason").value.trim();
  const [photoBlob, letterBlob] = await Promise.all([h.photo.blob(), h.letter.blob()]);
  const problem = !person ? t("person_required")
    : !name ? t("name_required")
    : id.problem === "id_missing" ? t("id_missing")
    : id.problem === "id_too_short" ? t("id_too_short", { count: Math.max(4, person.tail.length) })
    : problems.length && !override ? t("override_required")
    : signature.inkProblem() ? t(signature.inkProblem())
    : !photoBlob ? t("photo_required")
    : authorised && !letterBlob ? t("letter_required")
    : collected.agency === null || collected.postage === null ? t("fees_invalid") : "";
  return { problem, person, id, problems, name, collected, authorised, override, photoBlob, letterBlob };
}

/** Take an error down once the courier has fixed what it was about (not on every keystroke
 * before the first confirm: an unfinished form is not an error). */
async function recheck(h) {
  const shown = h.refused;
  if (!shown || h.error.hidden || h.error.textContent !== shown) return;  // (a photo's progress is not ours)
  const { problem } = await firstProblem(h);
  if (problem !== shown || !problem) {
    if (h.error.textContent === shown) say(h.error, "");
    h.refused = "";
  }
}

/** The capture for the outbox, or null after showing the courier what is missing. */
async function collect(h) {
  const values = await firstProblem(h);
  say(h.error, values.problem);
  h.refused = values.problem;
  if (values.problem) return null;
  const attempt = await attemptOf(h, values);
  const media = { signature: await h.signature.toBlob(), photo: values.photoBlob };
  if (values.authorised) media.authorisation_letter = values.letterBlob;
  return { attempt, media, roundId: h.round.round.id };
}

/** The attempt as the server takes it (docs/courier-sync.md): the ID only as its masked tail. */
async function attemptOf(h, { id, problems, name, collected, authorised, override }) {
  return {
    client_id: crypto.randomUUID(), shipment_id: h.stop.shipment_id, outcome: "delivered",
    captured_at: new Date().toISOString(), location: await h.location,
    recipient: {
      name, relationship: authorised ? "authorised" : "applicant",
      authorised_relationship: authorised ? h.field("authorised_relationship").value.trim() || null : null,
      id_tail_masked: id.masked,
      id_check: problems.length ? "overridden" : id.check,
      override_reason: problems.length ? override : null,
    },
    fees: collected, failure_reason: null, note: null,
    consent_version: ref(h.form, "consent").dataset.version,  // the text the recipient was shown
  };
}

/** Whole đồng from what was typed ("200.000" or "200000"); null if it is not a number. */
function digits(text) {
  const cleaned = String(text).replace(/[.,\s₫]/g, "");
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : null;
}
