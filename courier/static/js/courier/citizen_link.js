// What the citizen says and sees at the door.
// - Their note, left through their link (e.g. "gọi trước khi đến"), comes with the round.
// - Their link as a QR code, so the recipient confirms receipt on their own phone before the
//   courier leaves. The server keeps only the link's hash, so the phone learns the link from
//   the envelope's label: remembered (for this tab) when the stop was opened by scanning it,
//   else read from the label at the door; either way checked against the stop's hash.
// - The VietQR for a fee paid by bank transfer, prepared by the server while online.
import { classifyCode, sha256Hex } from "./codes.js";
import { say, slot, t } from "./dom.js";
import { startScanner } from "./scan.js";

const KEY = (shipmentId) => `citizen-link:${shipmentId}`;

export function rememberCitizenLink(shipmentId, link) {
  sessionStorage.setItem(KEY(shipmentId), link);
}

// Loaded when a QR is first drawn, not with the shell: the service worker caches it with the
// lazy files when the page is idle, so it is there offline at the door.
const QRCODE = "/static/vendor/qrcode-generator-2.0.4/qrcode.mjs";

/**
 * Load the drawer into this page while it is online and idle. A page opened online for the
 * first time may not be under the service worker yet (it takes over only from the next
 * navigation, or after a race), so an import first asked for at an offline door would fail;
 * once imported here the module stays in the page. Never rejects.
 */
export function warmQrDrawer() {
  return import(QRCODE).then(() => true, () => false);
}

/** Draw `text` as a QR code into an <img> (error correction M); resolves to false if it could not. */
export async function drawQr(image, text) {
  let qrcode;
  try {
    ({ default: qrcode } = await import(QRCODE));
  } catch (error) {
    return false;  // offline and never loaded: the caller says so
  }
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  image.src = code.createDataURL(6, 4);
  return true;
}

/** Show the VietQR transfer code when the courier picks "transfer"; it was prepared online. */
export function offerTransferQr(form, stop) {
  const box = form.querySelector("[data-ref=transfer-qr]");
  const missing = form.querySelector("[data-ref=transfer-unavailable]");
  for (const radio of form.querySelectorAll("input[name=method]")) {
    radio.addEventListener("change", () => {
      const transfer = form.querySelector("input[name=method]:checked").value === "transfer";
      box.hidden = !(transfer && stop.vietqr);
      missing.hidden = !(transfer && !stop.vietqr);
      if (transfer && stop.vietqr) drawQr(form.querySelector("[data-ref=transfer-qr-image]"), stop.vietqr);
    });
  }
}

/** Show the citizen's latest note in an element's [data-ref=citizen-note] box, if there is one. */
export function showCitizenNote(element, stop) {
  const box = element.querySelector("[data-ref=citizen-note]");
  box.hidden = !stop.citizen_note;
  slot(box, "citizen-note").textContent = stop.citizen_note || "";
}

/**
 * Offer the "let the recipient scan" part of the hand-over for any stop whose label carries a
 * link: drawn at once when the link is remembered, else after reading the label with the camera.
 * Returns {close} to release the camera when the form goes.
 */
export function offerCitizenLink(section, stop) {
  const button = section.querySelector("[data-ref=show-qr]");
  const image = section.querySelector("[data-ref=qr-image]");
  const camera = section.querySelector("[data-ref=qr-camera]");
  const hint = section.querySelector("[data-ref=qr-needs-label]");
  let scanning = null;
  const close = () => {
    if (scanning) scanning.abort();
    scanning = null;
    camera.hidden = true;
  };
  const hashes = stop.citizen_token_hashes || [];  // the slip's and the label's links, while they open
  section.hidden = !hashes.length;
  hint.hidden = Boolean(sessionStorage.getItem(KEY(stop.shipment_id)));
  const show = async (link) => {
    close();
    button.hidden = true;
    hint.hidden = true;
    if (await drawQr(image, link)) {
      image.hidden = false;
    } else {
      say(hint, t("qr_unavailable"));  // the recipient can still open the link on the label
      button.hidden = false;
    }
  };
  button.addEventListener("click", () => {
    const kept = sessionStorage.getItem(KEY(stop.shipment_id));
    if (kept) {
      show(kept);
      return;
    }
    if (scanning) return;
    scanning = new AbortController();
    camera.hidden = false;
    startScanner(camera, async (text) => {
      const code = classifyCode(text);
      if (code && code.kind === "citizen_link" && hashes.includes(await sha256Hex(code.token))) {
        rememberCitizenLink(stop.shipment_id, text.trim());
        show(text.trim());
      } else {
        say(hint, t("label_mismatch"));  // another envelope's label: keep looking
      }
    }, { signal: scanning.signal, onError: (code) => {
      say(hint, t(code === "denied" ? "camera_denied" : "camera_failed"));
      close();
    } });
  });
  return { close };
}
