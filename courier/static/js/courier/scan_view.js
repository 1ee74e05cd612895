// #/scan: find a stop by the label's QR code, or by the code typed in.
// A code that is not on this round is refused, never opened: the courier is told
// so, and (when online) what to do with it: where that shipment stands, never who holds it.
import { clone, ref, say, slot, t } from "./dom.js";
import { rememberCitizenLink } from "./citizen_link.js";
import { currentRound, downloadRound, findStop, lookup, lookupSaid } from "./round.js";
import { startScanner } from "./scan.js";

export function showScan(view, { round, go }) {
  const page = clone("tpl-scan");
  view.append(page);
  const refusal = slot(page, "refusal");
  const stops = round ? round.stops : [];
  let busy = false;

  /** Say why a code is refused, in view: the courier heard the beep and looks at the screen. */
  function refuse(message) {
    say(refusal, message);
    if (refusal.getBoundingClientRect().top < 0) window.scrollTo(0, 0);
  }

  async function handle(text) {
    if (busy) return;
    busy = true;
    try {
      const { kind, stop } = await findStop(stops, text);
      if (stop) {
        if (kind === "citizen_link") rememberCitizenLink(stop.shipment_id, text.trim());
        go(`#/stop/${stop.shipment_id}`);
        return;
      }
      if (!kind) return;
      if (kind === "cccd") {
        refuse(t("cccd_not_label"));
        return;
      }
      // Named by its dossier code, never by a cut URL: the typed code, or the server's answer.
      const named = (code) => (code ? t("not_on_round", { code }) : t("label_not_on_round"));
      const typed = kind === "dossier_code" && text.trim().length <= 40 ? text.trim() : "";
      refuse(named(typed));
      const answer = await lookup(text);
      if (answer && answer.on_your_round && await downloadRound() === "ok") {
        // Added to the round after this phone downloaded it: take the new round and open it.
        const fresh = await findStop((await currentRound()).stops, text);
        if (fresh.stop) {
          go(`#/stop/${fresh.stop.shipment_id}`);
          return;
        }
      }
      refuse(`${named((answer && answer.dossier_code) || typed)} ${lookupSaid(answer)}`.trim());
    } finally {
      busy = false;
    }
  }

  ref(page, "manual").addEventListener("submit", (event) => {
    event.preventDefault();
    handle(event.target.elements.code.value);
  });

  // The camera opens by itself; if it cannot, the typed code is the way (and is always there).
  const leaving = new AbortController();
  startScanner(ref(page, "camera"), handle, {
    signal: leaving.signal,
    onError: (code) => say(slot(page, "camera-state"), t(code === "denied" ? "camera_denied" : "camera_failed")),
  });
  return () => leaving.abort();
}
