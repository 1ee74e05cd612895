// The citizen's link, read from the envelope's label, shown back as a QR code on the
// courier's screen so the recipient can confirm receipt on their own phone before the
// courier leaves. The phone never learns the link otherwise (the server keeps only its
// hash), so it is kept for this tab only, from the scan to the hand-over.
import qrcode from "/static/vendor/qrcode-generator-2.0.4/qrcode.mjs";

const KEY = (shipmentId) => `citizen-link:${shipmentId}`;

export function rememberCitizenLink(shipmentId, link) {
  sessionStorage.setItem(KEY(shipmentId), link);
}

/** Show the "let the recipient scan" part of the hand-over when the link is known. */
export function offerCitizenLink(section, shipmentId) {
  const link = sessionStorage.getItem(KEY(shipmentId));
  section.hidden = !link;
  if (!link) return;
  const button = section.querySelector("[data-ref=show-qr]");
  const image = section.querySelector("[data-ref=qr-image]");
  button.addEventListener("click", () => {
    const code = qrcode(0, "M");
    code.addData(link);
    code.make();
    image.src = code.createDataURL(6, 4);
    image.hidden = false;
    button.hidden = true;
  });
}
