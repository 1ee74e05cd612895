// The recipient's signature, drawn with a finger on a canvas (SignaturePad).
// A dot or a scratch is not a signature, nor is a pad painted over: the phone measures the ink
// exactly as the server does (courier/domain/images.py, signature_ink_problem), on the very
// pixels it uploads: the share of the exported proof's pixels darker than INK_GREY. So a
// signature the phone accepts is never refused by the server after the courier has left.
// Both sides are checked against tests/vectors/signature_ink.json.
const INK_GREY = 200;
const MIN_INK = 0.002;
const MAX_INK = 0.25;
// The pad is drawn at the screen's resolution (1000 px wide on a Pixel 7) but kept at most this
// wide: still a clear proof, and a third of the pixels to upload, store and check for ink.
const PROOF_WIDTH = 600;

/**
 * Attach a pad to a canvas already in the page; returns {inkProblem, hasEnoughInk, toBlob, clear, destroy}.
 * inkProblem() is null, "signature_blank" (too little ink) or "signature_too_dark" (a painted pad).
 * `onStroke` runs after each stroke (e.g. to take down a "please sign" error once signed).
 */
export function signaturePad(canvas, { onStroke = null } = {}) {
  const pad = new window.SignaturePad(canvas, {
    penColor: "#0b1f5c", backgroundColor: "rgb(255, 255, 255)", minWidth: 1.2, maxWidth: 3,
  });
  if (onStroke) pad.addEventListener("endStroke", onStroke);
  // Drawn at the screen's real resolution, so the signature is not blurred.
  const resize = () => {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const strokes = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
  };
  resize();
  window.addEventListener("resize", resize);
  return {
    inkProblem: () => inkProblem(inkShare(proofCanvas(canvas))),
    hasEnoughInk: () => inkProblem(inkShare(proofCanvas(canvas))) === null,
    toBlob: () => proofBlob(canvas),
    clear: () => pad.clear(),
    destroy: () => {
      window.removeEventListener("resize", resize);
      pad.off();
    },
  };
}

/** The canvas the proof is made of: the pad itself, or a copy scaled down to PROOF_WIDTH. */
function proofCanvas(canvas) {
  const scale = Math.min(1, PROOF_WIDTH / canvas.width);
  if (scale >= 1) return canvas;
  const source = document.createElement("canvas");
  source.width = Math.round(canvas.width * scale);
  source.height = Math.round(canvas.height * scale);
  const context = source.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(canvas, 0, 0, source.width, source.height);
  return source;
}

/** The signature as a PNG Blob, scaled down to PROOF_WIDTH if the pad is wider. */
function proofBlob(canvas) {
  const source = proofCanvas(canvas);
  return new Promise((resolve) => source.toBlob(resolve, "image/png"));
}

/** What the server would say of this much ink (images.signature_ink_problem), in the phone's words. */
export function inkProblem(share) {
  if (share < MIN_INK) return "signature_blank";
  if (share > MAX_INK) return "signature_too_dark";
  return null;
}

/**
 * Share of the canvas's pixels darker than INK_GREY, flattened on white paper, grey as Pillow's
 * convert("L") computes it (ITU-R 601 luma, rounded the same way), as the server counts ink.
 */
export function inkShare(canvas) {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    const alpha = data[i + 3];
    // On white paper, as Pillow's alpha_composite does (rounded to the nearest level).
    const on = (value) => Math.floor((value * alpha + 255 * (255 - alpha)) / 255 + 0.5);
    const [r, g, b] = alpha === 255 ? [data[i], data[i + 1], data[i + 2]] : [on(data[i]), on(data[i + 1]), on(data[i + 2])];
    if ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16 < INK_GREY) dark += 1;
  }
  return dark / Math.max(1, canvas.width * canvas.height);
}
