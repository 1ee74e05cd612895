// #/stop/<id>: everything about one stop, and the two ways a visit can end.
import { clone, fill, money, ref, say, slot, stateLabel, t } from "./dom.js";
import { chipLabel, linkStop } from "./round_view.js";

export function showStop(view, { stop }) {
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
  linkStop(page, stop);
  const open = stop.effective_state === "out_for_delivery";
  ref(page, "actions").hidden = !open;
  ref(page, "handover").href = `#/handover/${stop.shipment_id}`;
  ref(page, "fail").href = `#/fail/${stop.shipment_id}`;
  say(slot(page, "done"), open ? "" : `${t("stop_done")} ${stateLabel(stop.effective_state)}`);
}
