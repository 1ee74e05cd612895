// #/fail/<id>: a visit that did not end in a hand-over. The reason comes from the
// round's list (the server's, translated); "other" needs a note; a photo is optional.
import { addOptions, clone, fill, ref, say, slot, t } from "./dom.js";
import { sampleLocation } from "./geo.js";
import { photoInput } from "./images.js";
import { queue } from "./sync.js";

/**
 * A visit that ended without what it came for, a failed delivery's or a refused pickup's
 * (door_end.js): the form from `template` with the stop, the visit's number and the `reasons`
 * ({code, label}); its error slot, the location being sampled, and the optional photo.
 */
export function visitForm(view, template, round, stop, reasons) {
  const form = clone(template);
  view.append(form);
  ref(form, "back").href = `#/stop/${stop.shipment_id}`;
  fill(form, {
    name: stop.applicant_name, address: stop.address,
    "attempt-no": t("attempt_no", { number: (stop.attempts_count || 0) + 1, max: round.max_attempts }),
  });
  addOptions(ref(form, "reasons"), "reason", reasons.map((reason) => ({ value: reason.code, label: reason.label })));
  const error = slot(form, "error");
  const photo = photoInput(form.elements.photo, ref(form, "photo-preview"), (m) => say(error, m),
    { processing: t("photo_processing"), failed: t("photo_failed") });
  return { form, error, location: sampleLocation(), photo };
}

export function showFail(view, { round, stop, go }) {
  const { form, error, location, photo } = visitForm(view, "tpl-fail", round, stop, round.failure_reasons);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = (form.querySelector('input[name="reason"]:checked') || {}).value;
    const note = form.elements.note.value.trim();
    const problem = !reason ? t("reason_required") : reason === "other" && !note ? t("note_required") : "";
    say(error, problem);
    if (problem) return;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const photoBlob = await photo.blob();
      const attempt = {
        client_id: crypto.randomUUID(), shipment_id: stop.shipment_id, outcome: "failed",
        captured_at: new Date().toISOString(), location: await location,
        recipient: null, fees: null, failure_reason: reason, note: note || null,
      };
      await queue({ attempt, media: photoBlob ? { photo: photoBlob } : {}, roundId: round.round.id });
      go("#/", t("saved"));
    } finally {
      button.disabled = false;
    }
  });
  return () => photo.release();
}
