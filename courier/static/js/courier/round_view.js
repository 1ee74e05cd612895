// #/: today's stops in the courier's order, with call, directions and reordering.
import { clone, fill, money, ref, say, slot, stateLabel, t } from "./dom.js";
import { markPickup } from "./pickup.js";
import { moveStop } from "./round.js";
import { offerTakeOut } from "./takeout_view.js";

// Nothing more to do on this round: a visit made (a result handed over or failed, a dossier
// taken in or refused), or the shipment's life gone another way.
const DONE = new Set(["delivered", "failed_attempt", "returning", "returned", "cancelled",
  "picked_up", "pickup_refused", "handed_in", "in_transit", "at_agency", "returned_for_supplement"]);
let doneOpen = false;  // whether the courier unfolded the finished stops

export function showRound(view, { round, refresh }) {
  const page = clone("tpl-round");
  view.append(page);
  if (!round) {
    say(slot(page, "stale"), t("no_round_offline"));
    return;
  }
  const stops = round.stops;
  const done = stops.filter((stop) => DONE.has(stop.effective_state)).length;
  fill(page, {
    date: round.round ? round.round.date_label : "",
    progress: t("progress", { done, total: stops.length }),
  });
  slot(page, "empty").hidden = stops.length > 0;
  offerTakeOut(page, round);
  if (!navigator.onLine) {
    const fetched = new Date(round.fetched_at);
    const time = [fetched.getHours(), fetched.getMinutes()].map((n) => String(n).padStart(2, "0")).join(":");
    say(slot(page, "stale"), t("stale", { time }));
  }
  const [list, doneList] = page.querySelectorAll("ol.stops");
  const open = stops.filter((stop) => !DONE.has(stop.effective_state));
  const today = localDate(new Date());
  stops.forEach((stop, index) => {
    const item = clone("tpl-stop-item");
    fill(item, {
      no: String(index + 1), name: stop.applicant_name, state: chipLabel(stop),
      address: stop.address, due: stop.due_date_label, fee: money(stop.fee_agency + stop.fee_postage),
      procedure: stop.procedure_name,
    });
    slot(item, "state").classList.add(`chip-${stop.effective_state}`);
    markPickup(item, stop);  // its badge and the day asked for; nothing to collect yet
    const finished = DONE.has(stop.effective_state);
    item.classList.toggle("done", finished);
    const overdue = !finished && Boolean(stop.due_date) && stop.due_date < today;
    item.classList.toggle("late", overdue);
    ref(item, "overdue").hidden = !overdue;
    item.dataset.shipment = stop.shipment_id;
    ref(item, "open").href = `#/stop/${stop.shipment_id}`;
    linkStop(item, stop);
    if (finished) {
      item.querySelectorAll(".move").forEach((button) => { button.hidden = true; });
      doneList.append(item);
      return;
    }
    // Moves swap with the next stop still to do: a finished one in between is out of sight.
    const place = open.indexOf(stop);
    const move = async (step) => {
      const other = open[place + step];
      await moveStop(round, stop.shipment_id, stops.indexOf(other) - index);
      await refresh();
    };
    ref(item, "up").disabled = place === 0;
    ref(item, "down").disabled = place === open.length - 1;
    ref(item, "up").addEventListener("click", () => move(-1));
    ref(item, "down").addEventListener("click", () => move(1));
    list.append(item);
  });
  const group = ref(page, "done-group");
  group.hidden = doneList.children.length === 0;
  slot(group, "done-summary").textContent = t("done_group", { count: doneList.children.length });
  group.open = doneOpen;  // a redraw (a send, a move) keeps it as the courier left it
  group.addEventListener("toggle", () => { doneOpen = group.open; });
}

/** The phone's calendar day as "YYYY-MM-DD", as due dates are written. */
function localDate(date) {
  return [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
}

/** The chip's text: the state, and whether the server has heard of it yet. */
export function chipLabel(stop) {
  const label = stateLabel(stop.effective_state);
  return stop.pending ? `${label} · ${t("waiting_sync")}` : label;
}

/** Point the call and directions links of a stop (or hide them when there is nothing to link). */
export function linkStop(element, stop) {
  const call = ref(element, "call");
  call.hidden = !stop.applicant_phone;
  call.href = `tel:${stop.applicant_phone || ""}`;
  const navigate = ref(element, "navigate");
  const hasPoint = stop.latitude !== null && stop.longitude !== null && stop.latitude !== undefined;
  // geo: opens whatever maps app the phone has, and works with offline maps.
  navigate.href = hasPoint
    ? `geo:${stop.latitude},${stop.longitude}?q=${stop.latitude},${stop.longitude}`
    : `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(stop.address)}`;
}
