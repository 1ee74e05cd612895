// QR codes the courier shows at the door.
// - The citizen's link, read from the envelope's label, so the recipient confirms receipt
//   on their own phone before the courier leaves. The phone never learns the link
//   otherwise (the server keeps only its hash), so it is kept for this tab only, from
//   the scan to the hand-over.
// - The VietQR for a fee paid by bank transfer, prepared by the server while online.
import qrcode from "/static/vendor/qrcode-generator-2.0.4/qrcode.mjs";

const KEY = (shipmentId) => `citizen-link:${shipmentId}`;

export function rememberCitizenLink(shipmentId, link) {
  sessionStorage.setItem(KEY(shipmentId), link);
}

/** Draw `text` as a QR code into an <img> (error correction M). */
export function drawQr(image, text) {
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  image.src = code.createDataURL(6, 4);
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

/** Show the "let the recipient scan" part of the hand-over when the link is known. */
export function offerCitizenLink(section, shipmentId) {
  const link = sessionStorage.getItem(KEY(shipmentId));
  section.hidden = !link;
  if (!link) return;
  const button = section.querySelector("[data-ref=show-qr]");
  const image = section.querySelector("[data-ref=qr-image]");
  button.addEventListener("click", () => {
    drawQr(image, link);
    image.hidden = false;
    button.hidden = true;
  });
}
