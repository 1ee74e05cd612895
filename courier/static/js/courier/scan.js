/* QR scanning with the camera, for the courier page (what a scanned text means: codes.js).
 *
 *   startScanner(container, onText, options?) -> Promise<stop>
 *
 *   warmScanner() -> Promise<boolean>   start the decoder early (when the app is idle)
 *
 * The camera is decoded by the native BarcodeDetector where it reads QR codes,
 * else by zxing-cpp (WebAssembly) in scan_worker.js, off the main thread, in one
 * worker kept for the page's life. No user-visible text here:
 * errors go to options.onError as codes, and the page says them in its language.
 * Styles: /static/css/scan.css (classes scan, scan-video, scan-frame).
 */

const WORKER_URL = new URL("./scan_worker.js", import.meta.url);
const CAMERA = {
  video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
  audio: false,
};
// Frames for the worker are scaled down to at most this many pixels: zxing-cpp looks
// at a downscaled copy itself first, and the full frame keeps small modules readable.
const WORKER_MAX_PIXELS = 1280 * 720;

/** The error codes onError receives. */
export const SCAN_ERRORS = Object.freeze(["no_camera", "denied", "insecure", "unknown"]);

function errorCode(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
      return "denied";
    case "SecurityError":
      return window.isSecureContext === false ? "insecure" : "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
    case "NotReadableError": // the camera is held by another app, or broken
    case "TrackStartError":
      return "no_camera";
    default:
      return "unknown";
  }
}

function noop() {}

function stopped(error, decoder = null) {
  const stop = () => {};
  stop.decoder = decoder;
  stop.error = error;
  return stop;
}

async function nativeDetector() {
  if (typeof window.BarcodeDetector !== "function") return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    return new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (error) {
    return null;
  }
}

/** The one decoding worker of this page, started once and kept (see warmScanner). */
let shared = null;

class DecoderLost extends Error {}

function decodingWorker() {
  if (shared) return shared;
  const worker = new Worker(WORKER_URL);
  const waiting = new Map();
  let nextId = 0;
  const lose = (error) => {
    if (shared !== handle) return;
    shared = null; // the next scan starts a new worker
    worker.terminate();
    for (const { reject } of waiting.values()) reject(new DecoderLost(error));
    waiting.clear();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    lose(event.message || "scan worker failed");
  };
  worker.onmessageerror = () => lose("scan worker message error");
  worker.onmessage = (event) => {
    const { id, text, fatal, error } = event.data;
    if (fatal) {
      lose(error);
      return;
    }
    const pending = waiting.get(id);
    waiting.delete(id);
    if (pending) pending.resolve(text || null);
  };
  const handle = {
    /** ask(message, transfer) -> Promise<text | null>; rejects with DecoderLost. */
    ask(message, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ ...message, id }, transfer);
      });
    },
  };
  shared = handle;
  return handle;
}

/**
 * Start the decoding worker ahead of the scanner, so the first frame the camera gives
 * is decoded at once instead of waiting for the decoder to load and compile (about
 * half a second in make bench).
 * Does nothing where the native BarcodeDetector reads QR codes. Resolves when the
 * decoder is ready, to false if it could not be loaded (e.g. offline, never cached);
 * never rejects. The worker is kept for the page's life and shared by every scanner.
 */
export async function warmScanner() {
  if (await nativeDetector()) return true;
  try {
    await decodingWorker().ask({ warm: true });
    return true;
  } catch (error) {
    return false;
  }
}

/** The shared worker: decode(video) -> Promise<text | null>, one frame at a time. */
function workerDecoder(onFatal) {
  const worker = decodingWorker();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let dead = false;

  return {
    kind: "worker",
    async decode(video) {
      if (dead) return null;
      const scale = Math.min(1, Math.sqrt(WORKER_MAX_PIXELS / (video.videoWidth * video.videoHeight)));
      const width = Math.max(1, Math.round(video.videoWidth * scale));
      const height = Math.max(1, Math.round(video.videoHeight * scale));
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      context.drawImage(video, 0, 0, width, height);
      const { data } = context.getImageData(0, 0, width, height);
      try {
        const text = await worker.ask({ width, height, buffer: data.buffer }, [data.buffer]);
        return dead ? null : text;
      } catch (error) {
        if (!(error instanceof DecoderLost)) throw error;
        if (!dead) {
          dead = true;
          onFatal(error);
        }
        return null;
      }
    },
    close() {
      dead = true; // the worker stays, warm for the next scan; a frame still queued is dropped
    },
  };
}

function nativeDecoder(detector) {
  return {
    kind: "native",
    async decode(video) {
      const codes = await detector.detect(video);
      const code = codes.find((found) => found.rawValue);
      return code ? code.rawValue : null;
    },
    close() {},
  };
}

function makeBeeper() {
  const AudioContext = window.AudioContext || window.webkitAudioContext;
  if (!AudioContext) return { beep: noop, close: noop };
  let audio = null;
  try {
    audio = new AudioContext(); // made while the tap that opened the scanner still counts
  } catch (error) {
    return { beep: noop, close: noop };
  }
  return {
    beep() {
      try {
        if (audio.state === "suspended") audio.resume().catch(noop);
        const start = audio.currentTime + 0.01;
        const tone = audio.createOscillator();
        const volume = audio.createGain();
        tone.type = "sine";
        tone.frequency.value = 1320;
        volume.gain.setValueAtTime(0.0001, start);
        volume.gain.exponentialRampToValueAtTime(0.35, start + 0.01);
        volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.12);
        tone.connect(volume).connect(audio.destination);
        tone.start(start);
        tone.stop(start + 0.13);
      } catch (error) {
        // no sound is not worth stopping a scan for
      }
    },
    close() {
      if (audio.state !== "closed") audio.close().catch(noop);
    },
  };
}

function vibrate() {
  try {
    if (typeof navigator.vibrate === "function") navigator.vibrate(80);
  } catch (error) {
    // ignored: some browsers refuse without a recent tap
  }
}

/**
 * Open the rear camera inside `container` and report each QR code read to onText(text).
 *
 * options:
 *   onError(code)  one of SCAN_ERRORS; called at most once; the scanner is then closed.
 *   debounceMs     the same text is not reported again within this time (default 2000).
 *   fps            frames decoded per second at most (default 8).
 *   feedback       beep and vibrate on a read (default true).
 *   signal         an AbortSignal that stops the scanner (e.g. when the page leaves #/scan).
 *
 * Resolves, once the video plays, to stop(): stops the camera and the decoder and
 * removes the video; safe to call more than once. stop.decoder says which decoder runs:
 * "native" or "worker". When the camera cannot be opened, onError is called and the
 * promise still resolves, to a stop() that does nothing (stop.error is the code).
 */
export async function startScanner(container, onText, options = {}) {
  if (!container || typeof container.appendChild !== "function") {
    throw new TypeError("startScanner needs a container element");
  }
  if (typeof onText !== "function") throw new TypeError("startScanner needs an onText function");
  const onError = typeof options.onError === "function" ? options.onError : noop;
  const debounceMs = options.debounceMs ?? 2000;
  const interval = 1000 / Math.max(1, Math.min(30, options.fps ?? 8));
  const feedback = options.feedback !== false;
  const signal = options.signal;

  if (signal && signal.aborted) return stopped(null);
  if (window.isSecureContext === false) {
    onError("insecure");
    return stopped("insecure");
  }
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
    onError("no_camera");
    return stopped("no_camera");
  }

  const beeper = feedback ? makeBeeper() : { beep: noop, close: noop };
  const frame = document.createElement("div");
  frame.className = "scan";
  const video = document.createElement("video");
  video.className = "scan-video";
  video.setAttribute("playsinline", "");
  video.setAttribute("muted", "");
  video.setAttribute("autoplay", "");
  video.muted = true;
  video.playsInline = true;
  video.disablePictureInPicture = true;
  const overlay = document.createElement("div");
  overlay.className = "scan-frame";
  overlay.setAttribute("aria-hidden", "true");
  frame.append(video, overlay);

  let stream = null;
  let decoder = null;
  let timer = null;
  let closed = false;
  const lastReported = new Map();

  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    video.pause();
    video.srcObject = null;
    frame.remove();
    if (decoder) decoder.close();
    beeper.close();
    if (signal) signal.removeEventListener("abort", close);
  };
  const fatal = (code) => {
    if (closed) return;
    close();
    onError(code);
  };
  if (signal) signal.addEventListener("abort", close);

  try {
    stream = await navigator.mediaDevices.getUserMedia(CAMERA);
  } catch (error) {
    const aborted = closed;
    close();
    if (aborted) return stopped(null);
    const code = errorCode(error);
    onError(code);
    return stopped(code);
  }
  if (closed) {
    // aborted while the permission prompt was up
    stream.getTracks().forEach((track) => track.stop());
    return stopped(null);
  }

  const [track] = stream.getVideoTracks();
  if (!track) {
    fatal("no_camera");
    return stopped("no_camera");
  }
  track.addEventListener("ended", () => fatal("unknown")); // taken away from us, not stop()
  const capabilities = typeof track.getCapabilities === "function" ? track.getCapabilities() : {};
  if (Array.isArray(capabilities.focusMode) && capabilities.focusMode.includes("continuous")) {
    track.applyConstraints({ advanced: [{ focusMode: "continuous" }] }).catch(noop);
  }

  container.appendChild(frame);
  video.srcObject = stream;
  try {
    await video.play();
  } catch (error) {
    if (closed) return stopped(null);
    if (error.name !== "AbortError") {
      fatal("unknown");
      return stopped("unknown");
    }
  }
  if (closed) return stopped(null);

  const detector = await nativeDetector();
  if (closed) return stopped(null);
  try {
    decoder = detector ? nativeDecoder(detector) : workerDecoder(() => fatal("unknown"));
  } catch (error) {
    fatal("unknown");
    return stopped("unknown");
  }
  frame.dataset.decoder = decoder.kind;

  const report = (text) => {
    const now = performance.now();
    const last = lastReported.get(text);
    if (last !== undefined && now - last < debounceMs) return;
    lastReported.set(text, now);
    if (feedback) {
      beeper.beep();
      vibrate();
    }
    try {
      onText(text);
    } catch (error) {
      console.error("scan: onText failed", error);
    }
  };

  const tick = async () => {
    if (closed) return;
    const started = performance.now();
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
      let text = null;
      try {
        text = await decoder.decode(video);
      } catch (error) {
        if (decoder.kind === "native") {
          // Some phones have BarcodeDetector but fail in it: fall back to the worker for good.
          decoder = workerDecoder(() => fatal("unknown"));
          frame.dataset.decoder = decoder.kind;
        }
      }
      if (closed) return;
      if (text) report(text);
    }
    timer = setTimeout(tick, Math.max(0, interval - (performance.now() - started)));
  };
  timer = setTimeout(tick, 0);

  const stop = () => close();
  Object.defineProperty(stop, "decoder", { get: () => (decoder ? decoder.kind : null) });
  stop.error = null;
  return stop;
}
