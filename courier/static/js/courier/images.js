// Photos are made small on the phone before they are stored: a 12-megapixel picture
// would fill the phone's storage in a day and never get through a weak signal.
const MAX_SIDE = 1280;
// WebP where the canvas encodes it (Chromium, so every Android phone): on a photo of a printed
// result, WebP at 0.5 reads as well as JPEG at 0.62 in about 60 % of the bytes, and the server
// keeps it as sent (courier/domain/images.py, simple_webp). JPEG elsewhere, as before.
const FORMATS = [
  { type: "image/webp", maxBytes: 90 * 1000, qualities: [0.7, 0.6, 0.5, 0.42] },
  { type: "image/jpeg", maxBytes: 150 * 1024, qualities: [0.82, 0.72, 0.62, 0.52, 0.42] },
];
let encodesWebp = null;  // found out on the first photo

/**
 * A WebP (or, where the canvas cannot make one, JPEG) Blob of the picture, ≤ 1280 px on its
 * longest side and ≤ 90 KB (JPEG: 150 KB), upright, with no EXIF (the canvas drops it, and with
 * it the GPS of the citizen's home). Rejects if the file is not a picture the browser can decode.
 */
export async function downscale(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    let scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    for (;;) {
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = makeCanvas(width, height);
      const context = canvas.getContext("2d");
      context.fillStyle = "#fff";  // a transparent PNG would turn black in a JPEG
      context.fillRect(0, 0, width, height);
      context.drawImage(bitmap, 0, 0, width, height);
      const format = FORMATS[await canEncodeWebp() ? 0 : 1];
      for (const quality of format.qualities) {
        const blob = await encode(canvas, format.type, quality);
        if (blob.size <= format.maxBytes) return blob;
      }
      scale *= 0.75;  // a very busy picture: even low quality is too big, so fewer pixels
    }
  } finally {
    bitmap.close();
  }
}

function makeCanvas(width, height) {
  if (typeof OffscreenCanvas === "function") return new OffscreenCanvas(width, height);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function encode(canvas, type, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/** A canvas that cannot encode WebP makes a PNG instead: try once, on a tiny canvas. */
async function canEncodeWebp() {
  if (encodesWebp === null) {
    const canvas = makeCanvas(2, 2);
    canvas.getContext("2d");  // an OffscreenCanvas without a context refuses to encode at all
    const probe = await encode(canvas, "image/webp", 0.5).catch(() => null);
    encodesWebp = Boolean(probe && probe.type === "image/webp");
  }
  return encodesWebp;
}

/**
 * Wire a file input (camera) to downscale its picture and preview it. Returns
 * {blob(): Promise<Blob|null>, release()}: blob() waits for a picture still being shrunk.
 * `say(message)` shows progress and problems next to the field.
 */
export function photoInput(input, preview, say, messages) {
  let current = Promise.resolve(null);
  let url = null;
  input.addEventListener("change", () => {
    const [file] = input.files;
    if (!file) return;
    say(messages.processing);
    current = downscale(file).then((blob) => {
      say("");
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(blob);
      preview.src = url;
      preview.hidden = false;
      return blob;
    }, () => {
      say(messages.failed);
      return null;
    });
    input.value = "";  // the full-size original is not kept in the form
  });
  return {
    blob: () => current,
    release: () => { if (url) URL.revokeObjectURL(url); },
  };
}
