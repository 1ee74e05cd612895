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
  fill(form, { procedure: stop.procedure_name, code: stop.dossier_code, applicant: stop.applicant_name });
  ref(form, "back").href = `#/stop/${stop.shipment_id}`;
  const field = (name) => form.elements[name];
  const error = slot(form, "error");
  const location = sampleLocation();  // started now, ready by the time the courier confirms
  const signature = signaturePad(ref(form, "signature"), { onStroke: () => recheck() });
  const photoMessages = { processing: t("photo_processing"), failed: t("photo_failed") };
  const showError = (message) => say(error, message);
  const photo = photoInput(field("photo"), ref(form, "photo-preview"), showError, photoMessages);
  const letter = photoInput(field("authorisation_letter"), ref(form, "letter-preview"), showError, photoMessages);
  showCitizenNote(form, stop);
  const citizenQr = offerCitizenLink(ref(form, "citizen-qr"), stop);
  offerTransferQr(form, stop);
  let card = null;  // the scanned CCCD, in memory only
  let refused = "";  // the problem the last confirm showed, until it is fixed
  let scanning = null;  // an AbortController while the camera is open

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

  // form.elements[name].value misreads a lone radio button, so ask for the checked one.
  const checked = (name) => (form.querySelector(`input[name="${name}"]:checked`) || {}).value;
  const expected = () => expectedPerson(stop, checked("relationship"), Number(checked("person")));

  // What does not match, given what is on the form now.
  function review() {
    const person = expected();
    const id = checkId(card ? card.idNumber : field("id_tail").value, person ? person.tail : null);
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

  function choose() {
    const authorised = checked("relationship") === "authorised";
    ref(form, "authorised").hidden = !authorised;
    const person = expected();
    field("recipient_name").value = person ? person.name : "";
    field("authorised_relationship").value = (person && person.relationship) || "";
    card = null;
    field("id_tail").value = "";
    review();
  }

  function fees() {
    const agency = digits(field("fee_agency").value);
    const postage = digits(field("fee_postage").value);
    slot(form, "fee-total").textContent = agency === null || postage === null ? "—" : money(agency + postage);
    return { agency, postage, method: checked("method") };
  }

  // The CCCD's QR gives the name and the full number; the number stays in `card`.
  function scanCard() {
    if (scanning) return;
    scanning = new AbortController();
    const camera = ref(form, "id-camera");
    camera.hidden = false;
    startScanner(camera, (text) => {
      const parsed = parseCccd(text);
      if (!parsed) {
        say(error, t("not_a_cccd"));
        return;
      }
      card = parsed;
      field("id_tail").value = "";
      field("recipient_name").value = parsed.fullName;
      say(error, "");
      closeScanner();
      review();
    }, {
      signal: scanning.signal,
      onError: (code) => {
        say(error, t(code === "denied" ? "camera_denied" : "camera_failed"));
        closeScanner();
      },
    });
  }

  function closeScanner() {
    if (scanning) scanning.abort();
    scanning = null;
    ref(form, "id-camera").hidden = true;
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "relationship" || event.target.name === "person") choose();
    recheck();
  });
  form.addEventListener("input", (event) => {
    if (event.target.name === "id_tail") card = null;  // typed digits replace a scanned card
    if (["id_tail", "recipient_name"].includes(event.target.name)) review();
    if (event.target.name.startsWith("fee_")) fees();
    recheck();
  });
  ref(form, "scan-id").addEventListener("click", scanCard);
  ref(form, "clear-signature").addEventListener("click", () => signature.clear());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const capture = await collect();
      if (!capture) return;
      await queue(capture);
      go("#/", t("saved"));
    } finally {
      button.disabled = false;
    }
  });

  /** What stops the hand-over now, in the courier's words ("" if nothing), with the form's values. */
  async function firstProblem() {
    const { person, id, problems } = review();
    const name = field("recipient_name").value.trim();
    const collected = fees();
    const authorised = checked("relationship") === "authorised";
    const override = field("override_reason").value.trim();
    const [photoBlob, letterBlob] = await Promise.all([photo.blob(), letter.blob()]);
    const problem = !person ? t("person_required")
      : !name ? t("name_required")
      : id.problem === "id_missing" ? t("id_missing")
      : id.problem === "id_too_short" ? t("id_too_short", { count: Math.max(4, person.tail.length) })
      : problems.length && !override ? t("override_required")
      : !signature.hasEnoughInk() ? t("signature_blank")
      : !photoBlob ? t("photo_required")
      : authorised && !letterBlob ? t("letter_required")
      : collected.agency === null || collected.postage === null ? t("fees_invalid") : "";
    return { problem, person, id, problems, name, collected, authorised, override, photoBlob, letterBlob };
  }

  /** Take an error down once the courier has fixed what it was about (not on every keystroke
   * before the first confirm: an unfinished form is not an error). */
  async function recheck() {
    const shown = refused;
    if (!shown || error.hidden || error.textContent !== shown) return;  // (a photo's progress is not ours)
    const { problem } = await firstProblem();
    if (problem !== shown || !problem) {
      if (error.textContent === shown) say(error, "");
      refused = "";
    }
  }

  /** The capture for the outbox, or null after showing the courier what is missing. */
  async function collect() {
    const { problem, id, problems, name, collected, authorised, override, photoBlob, letterBlob } = await firstProblem();
    say(error, problem);
    refused = problem;
    if (problem) return null;
    const attempt = {
      client_id: crypto.randomUUID(), shipment_id: stop.shipment_id, outcome: "delivered",
      captured_at: new Date().toISOString(), location: await location,
      recipient: {
        name, relationship: authorised ? "authorised" : "applicant",
        authorised_relationship: authorised ? field("authorised_relationship").value.trim() || null : null,
        id_tail_masked: id.masked,
        id_check: problems.length ? "overridden" : id.check,
        override_reason: problems.length ? override : null,
      },
      fees: collected, failure_reason: null, note: null,
      consent_version: ref(form, "consent").dataset.version,  // the text the recipient was shown
    };
    const media = { signature: await signature.toBlob(), photo: photoBlob };
    if (authorised) media.authorisation_letter = letterBlob;
    return { attempt, media, roundId: round.round.id };
  }

  fees();
  review();
  return () => {
    closeScanner();
    citizenQr.close();
    signature.destroy();
    photo.release();
    letter.release();
  };
}

/** Whole đồng from what was typed ("200.000" or "200000"); null if it is not a number. */
function digits(text) {
  const cleaned = String(text).replace(/[.,\s₫]/g, "");
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : null;
}
