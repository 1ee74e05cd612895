// The recipient's signature, drawn with a finger on a canvas (SignaturePad).
// A dot or a scratch is not a signature: we ask for a minimum length of ink, in CSS
// pixels, before the hand-over can be confirmed (the server checks ink again).
const MIN_INK_PX = 150;
// The pad is drawn at the screen's resolution (1000 px wide on a Pixel 7) but kept at most this
// wide: still a clear proof, and a third of the pixels to upload, store and check for ink.
const PROOF_WIDTH = 600;

/**
 * Attach a pad to a canvas already in the page; returns {hasEnoughInk, toBlob, clear, destroy}.
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
    hasEnoughInk: () => inkLength(pad.toData()) >= MIN_INK_PX,
    toBlob: () => proofBlob(canvas),
    clear: () => pad.clear(),
    destroy: () => {
      window.removeEventListener("resize", resize);
      pad.off();
    },
  };
}

/** The signature as a PNG Blob, scaled down to PROOF_WIDTH if the pad is wider. */
function proofBlob(canvas) {
  const scale = Math.min(1, PROOF_WIDTH / canvas.width);
  let source = canvas;
  if (scale < 1) {
    source = document.createElement("canvas");
    source.width = Math.round(canvas.width * scale);
    source.height = Math.round(canvas.height * scale);
    const context = source.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.drawImage(canvas, 0, 0, source.width, source.height);
  }
  return new Promise((resolve) => source.toBlob(resolve, "image/png"));
}

/** Total length of the strokes, in CSS pixels. */
function inkLength(strokes) {
  let length = 0;
  for (const { points } of strokes) {
    for (let i = 1; i < points.length; i += 1) {
      length += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    }
  }
  return length;
}
