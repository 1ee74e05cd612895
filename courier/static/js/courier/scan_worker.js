/* Decodes QR codes off the main thread, for browsers without BarcodeDetector.
 *
 * A classic worker started by scan.js and kept for the page's life, so the decoder
 * is warm when the camera opens. The decoder is zxing-cpp compiled to WebAssembly
 * (zxing-wasm's reader): it reads light-on-dark codes too, and turns the code's bytes
 * into text by the code's own indications (ECI, else its best guess among UTF-8,
 * Shift_JIS and ISO-8859-1), as a phone's native reader does.
 *
 * Messages in:
 *   {id, warm: true}                   load and compile the decoder now
 *   {id, width, height, buffer}        one frame; buffer: its RGBA bytes (transferred)
 * Answers: {id, text} (text null when no code was found), or {id, text: null, error}
 * when one frame failed, with fatal: true when the decoder could not be loaded.
 */
"use strict";

// /static/js/courier/ -> /static/vendor/ (the .wasm comes from our origin, never a CDN,
// and goes through the service worker, which keeps it for offline use).
const VENDOR = new URL("../../vendor/zxing-wasm-3.1.6/", self.location.href).href;
importScripts(`${VENDOR}zxing-reader.js`);

// tryHarder, tryRotate and tryDownscale are on by default; said here so nobody turns them off.
const READER = {
  formats: ["QRCode"],
  tryHarder: true,
  tryRotate: true,
  tryDownscale: true,
  tryInvert: true, // a QR shown on a phone in dark mode, a label printed white on black
  maxNumberOfSymbols: 1,
  textMode: "Plain",
};

let ready = null;

/** The compiled decoder, loaded once; rejects (and is retried on the next message) on failure. */
function decoder() {
  if (!ready) {
    ready = ZXingWASM.prepareZXingModule({
      overrides: { locateFile: (path) => `${VENDOR}${path}` },
      fireImmediately: true,
    }).catch((error) => {
      ready = null;
      throw error;
    });
  }
  return ready;
}

async function read({ width, height, buffer }) {
  const image = new ImageData(new Uint8ClampedArray(buffer), width, height);
  const [code] = await ZXingWASM.readBarcodes(image, READER);
  return code && code.isValid && code.text ? code.text : null;
}

self.onmessage = async (event) => {
  const { id, warm } = event.data;
  try {
    await decoder();
  } catch (error) {
    // Not loaded (offline before it was ever cached): no frame can be read.
    self.postMessage({ id, text: null, error: String(error), fatal: true });
    return;
  }
  try {
    self.postMessage({ id, text: warm ? null : await read(event.data) });
  } catch (error) {
    self.postMessage({ id, text: null, error: String(error) });
  }
};
