// One GPS sample per capture, never in the way: it resolves within a few seconds,
// to null when the courier denied it or the phone cannot tell.
const TIMEOUT_MS = 4_000;

/** Start sampling now; await the result when the capture is confirmed. */
export function sampleLocation() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) {
      resolve(null);
      return;
    }
    // Some phones never call back at all when location is off: our own timer ends the wait.
    const timer = setTimeout(() => resolve(null), TIMEOUT_MS + 500);
    navigator.geolocation.getCurrentPosition((position) => {
      clearTimeout(timer);
      const { latitude, longitude, accuracy } = position.coords;
      resolve({ latitude, longitude, accuracy_m: Math.round(accuracy * 10) / 10 });
    }, () => {
      clearTimeout(timer);
      resolve(null);
    }, { enableHighAccuracy: true, timeout: TIMEOUT_MS, maximumAge: 60_000 });
  });
}
