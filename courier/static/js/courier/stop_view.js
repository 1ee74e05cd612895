// #/stop/<id>: everything about one stop, and the two ways a visit can end.
import { clone, fill, money, ref, say, slot, stateLabel, t } from "./dom.js";
import { showCitizenNote } from "./citizen_link.js";
import { isPickup, showPickup } from "./pickup.js";
import { chipLabel, linkStop } from "./round_view.js";

// A courier at the door is never blocked by the morning's paperwork: a stop still
// "assigned" (not scanned out at the office) can be handed over, and the server records
// the take-out first and flags it for the dispatcher.
const VISITABLE = new Set(["assigned", "out_for_delivery"]);

/** Whether a result can be handed over (or its visit failed) now, or a pickup taken in (or
 * refused): planned or out, or failed (refused) earlier today with visits left. */
export function canVisit(stop, maxAttempts) {
  if (isPickup(stop) ? stop.effective_state === "assigned" : VISITABLE.has(stop.effective_state)) return true;
  if (stop.effective_state !== (isPickup(stop) ? "pickup_refused" : "failed_attempt")) return false;
  // The server's count includes today's failure once it has heard of it.
  const failures = (stop.attempts_count || 0) + (stop.pending ? 1 : 0);
  return failures < (maxAttempts || 3);
}

export function showStop(view, { round, stop }) {
  const page = clone("tpl-stop");
  view.append(page);
  const persons = (stop.authorised_persons || [])
    .map((person) => (person.relationship ? `${person.full_name} (${person.relationship})` : person.full_name));
  fill(page, {
    name: stop.applicant_name, state: chipLabel(stop), address: stop.address,
    procedure: stop.procedure_name, agency: stop.agency_name, code: stop.dossier_code,
    due: stop.due_date_label, "fee-agency": money(stop.fee_agency), "fee-postage": money(stop.fee_postage),
    "fee-total": money(stop.fee_agency + stop.fee_postage),
    authorised: persons.length ? persons.join("; ") : t("none"), attempts: String(stop.attempts_count || 0),
  });
  slot(page, "state").classList.add(`chip-${stop.effective_state}`);
  showCitizenNote(page, stop);
  showPickup(page, stop);
  linkStop(page, stop);
  const open = canVisit(stop, round && round.max_attempts);
  const pickup = isPickup(stop);
  ref(page, pickup ? "actions" : "door-actions").remove();  // a result's hand-over, or a pickup's door
  const actions = ref(page, pickup ? "door-actions" : "actions");
  actions.hidden = !open;
  if (pickup) {
    ref(actions, "take-in").href = `#/pickup/${stop.shipment_id}`;
    ref(actions, "refuse").href = `#/pickup-refused/${stop.shipment_id}`;
  } else {
    ref(actions, "handover").href = `#/handover/${stop.shipment_id}`;
    ref(actions, "fail").href = `#/fail/${stop.shipment_id}`;
    if (open && stop.effective_state === "failed_attempt") ref(actions, "handover").textContent = t("visit_again");
  }
  say(slot(page, "done"), doneNotice(stop, open));
  const receipt = ref(page, "receipt");
  receipt.hidden = !(pickup && stop.effective_state === "picked_up");
  receipt.href = `#/receipt/${stop.shipment_id}`;
}

function doneNotice(stop, open) {
  if (isPickup(stop)) {
    if (stop.effective_state === "picked_up") return t("pickup_done");
    if (open) return "";  // what to do is in its own box (the documents to check)
  } else if (open) {
    return stop.effective_state === "assigned" ? t("not_taken_out_yet") : "";
  }
  return `${t("stop_done")} ${stateLabel(stop.effective_state)}`;
}
