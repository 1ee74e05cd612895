/* Decodes QR codes off the main thread, for browsers without BarcodeDetector.
 *
 * A classic worker started by scan.js. Each message is one frame:
 *   {id, width, height, buffer, invert}   buffer: the RGBA bytes (transferred)
 * and each answer is {id, text} (text null when no code was found), or
 * {id, text: null, error} when jsQR threw.
 */
"use strict";

// /static/js/courier/ -> /static/vendor/
importScripts(new URL("../../vendor/jsqr-1.4.0/jsQR.js", self.location.href).href);

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("iso-8859-1");

// jsQR turns byte segments into text with decodeURIComponent and leaves a segment
// empty when that fails; the raw bytes are decoded here instead: UTF-8 (what
// labels and chip ID cards use), else ISO-8859-1 (the QR standard's default).
function textOf(code) {
  const bytes = code.binaryData && code.binaryData.length ? Uint8Array.from(code.binaryData) : null;
  if (bytes) {
    try {
      return utf8.decode(bytes);
    } catch (error) {
      return code.data || latin1.decode(bytes);
    }
  }
  return code.data || "";
}

self.onmessage = (event) => {
  const { id, width, height, buffer, invert } = event.data;
  try {
    const code = jsQR(new Uint8ClampedArray(buffer), width, height, {
      inversionAttempts: invert ? "onlyInvert" : "dontInvert",
    });
    self.postMessage({ id, text: code ? textOf(code) || null : null });
  } catch (error) {
    self.postMessage({ id, text: null, error: String(error) });
  }
};
