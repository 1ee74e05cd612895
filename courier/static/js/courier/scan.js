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
  const settings = scannerSettings(options);
  if (settings.signal && settings.signal.aborted) return stopped(null);
  const unavailable = cameraUnavailable();
  if (unavailable) {
    settings.onError(unavailable);
    return stopped(unavailable);
  }
  const session = newSession(settings);
  const error = await openCamera(session, container);
  if (error !== undefined) return stopped(error);
  const made = await firstDecoder(session);
  if (!made.decoder) return stopped(made.error);
  session.decoder = made.decoder;
  session.frame.dataset.decoder = session.decoder.kind;
  decodeFrames(session, reporter(session, onText));

  const stop = () => session.close();
  Object.defineProperty(stop, "decoder", { get: () => (session.decoder ? session.decoder.kind : null) });
  stop.error = null;
  return stop;
}

/** The options with their defaults (see startScanner). */
function scannerSettings(options) {
  return {
    onError: typeof options.onError === "function" ? options.onError : noop,
    debounceMs: options.debounceMs ?? 2000,
    interval: 1000 / Math.max(1, Math.min(30, options.fps ?? 8)),
    feedback: options.feedback !== false,
    signal: options.signal,
  };
}

/** Why no camera can be asked for here ("insecure", "no_camera"), or null. */
function cameraUnavailable() {
  if (window.isSecureContext === false) return "insecure";
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") return "no_camera";
  return null;
}

/** The video in its frame, not yet in the page. */
function scanFrame() {
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
  return { frame, video };
}

/**
 * One scanner's state, with close() (idempotent: camera, decoder, video and beeper go) and
 * fatal(code) (close, then tell onError once). The signal's abort closes it.
 */
function newSession(settings) {
  const { frame, video } = scanFrame();
  const session = {
    ...settings, frame, video, stream: null, decoder: null, timer: null, closed: false,
    beeper: settings.feedback ? makeBeeper() : { beep: noop, close: noop },
  };
  session.close = () => {
    if (session.closed) return;
    session.closed = true;
    clearTimeout(session.timer);
    if (session.stream) session.stream.getTracks().forEach((track) => track.stop());
    video.pause();
    video.srcObject = null;
    frame.remove();
    if (session.decoder) session.decoder.close();
    session.beeper.close();
    if (session.signal) session.signal.removeEventListener("abort", session.close);
  };
  session.fatal = (code) => {
    if (session.closed) return;
    session.close();
    session.onError(code);
  };
  if (session.signal) session.signal.addEventListener("abort", session.close);
  return session;
}

/**
 * Ask for the camera and play it inside `container`. Resolves to undefined once the video
 * plays, else to what startScanner's stop.error is then (an error code, or null if aborted).
 */
async function openCamera(session, container) {
  const { video } = session;
  try {
    session.stream = await navigator.mediaDevices.getUserMedia(CAMERA);
  } catch (error) {
    const aborted = session.closed;
    session.close();
    if (aborted) return null;
    const code = errorCode(error);
    session.onError(code);
    return code;
  }
  if (session.closed) {
    // aborted while the permission prompt was up
    session.stream.getTracks().forEach((track) => track.stop());
    return null;
  }
  const [track] = session.stream.getVideoTracks();
  if (!track) {
    session.fatal("no_camera");
    return "no_camera";
  }
  track.addEventListener("ended", () => session.fatal("unknown")); // taken away from us, not stop()
  const capabilities = typeof track.getCapabilities === "function" ? track.getCapabilities() : {};
  if (Array.isArray(capabilities.focusMode) && capabilities.focusMode.includes("continuous")) {
    track.applyConstraints({ advanced: [{ focusMode: "continuous" }] }).catch(noop);
  }
  container.appendChild(session.frame);
  video.srcObject = session.stream;
  try {
    await video.play();
  } catch (error) {
    if (session.closed) return null;
    if (error.name !== "AbortError") {
      session.fatal("unknown");
      return "unknown";
    }
  }
  return session.closed ? null : undefined;
}

/** {decoder}: the native one where it reads QR codes, else the worker's; or {error} for stop.error. */
async function firstDecoder(session) {
  const detector = await nativeDetector();
  if (session.closed) return { error: null };
  try {
    return { decoder: detector ? nativeDecoder(detector) : workerDecoder(() => session.fatal("unknown")) };
  } catch (error) {
    session.fatal("unknown");
    return { error: "unknown" };
  }
}

/** onText for each text read, not the same one twice within debounceMs, with a beep and a buzz. */
function reporter(session, onText) {
  const lastReported = new Map();
  return (text) => {
    const now = performance.now();
    const last = lastReported.get(text);
    if (last !== undefined && now - last < session.debounceMs) return;
    lastReported.set(text, now);
    if (session.feedback) {
      session.beeper.beep();
      vibrate();
    }
    try {
      onText(text);
    } catch (error) {
      console.error("scan: onText failed", error);
    }
  };
}

/** Decode a frame every `interval` ms at most until the session closes. */
function decodeFrames(session, report) {
  const { video, frame } = session;
  const tick = async () => {
    if (session.closed) return;
    const started = performance.now();
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
      let text = null;
      try {
        text = await session.decoder.decode(video);
      } catch (error) {
        if (session.decoder.kind === "native") {
          // Some phones have BarcodeDetector but fail in it: fall back to the worker for good.
          session.decoder = workerDecoder(() => session.fatal("unknown"));
          frame.dataset.decoder = session.decoder.kind;
        }
      }
      if (session.closed) return;
      if (text) report(text);
    }
    session.timer = setTimeout(tick, Math.max(0, session.interval - (performance.now() - started)));
  };
  session.timer = setTimeout(tick, 0);
}
