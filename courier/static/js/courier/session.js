// Leaving the phone clean: logging out clears the courier's data, but never while
// captures are still waiting to be sent. And asking the browser not to evict our storage.
import * as DB from "./db.js";
import { notify, ownerName, t } from "./dom.js";

// The service worker's cache of the courier's page (names, addresses): see service_worker.js.
const PAGES_CACHE = "courier-pages";
const STORAGE_WARNING = 0.8;

/** Block the logout form while the outbox holds anything; otherwise clear, then log out. */
export function guardLogout() {
  const form = document.getElementById("logout-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const waiting = (await DB.outboxEntries()).length;
    // Offline, the server would not hear of it: the phone would be cleared but still logged in.
    const refusal = waiting ? t("logout_blocked", { count: waiting }) : navigator.onLine ? "" : t("logout_offline");
    if (refusal) {
      notify(refusal);
      window.scrollTo(0, 0);
      return;
    }
    await DB.clearAll();
    if ("caches" in window) await caches.delete(PAGES_CACHE);
    form.submit();  // submit() does not fire "submit" again
  });
}

/**
 * Make the phone's data this courier's: the shell's CSRF token as a first one for the
 * outbox, and nothing left of a colleague who used the phone without logging out
 * (unless they left captures unsent: those stay, and the server will refuse or flag them).
 */
export async function claimPhone() {
  const owner = await DB.getMeta("owner");
  if (owner && owner !== ownerName() && (await DB.outboxEntries()).length === 0) await DB.clearAll();
  await DB.setMeta("owner", ownerName());
  if (!(await DB.getMeta("csrf"))) {
    await DB.setMeta("csrf", document.querySelector('meta[name="csrf-token"]').content);
  }
}

/**
 * Ask for persistent storage (so the browser does not evict an unsent hand-over) and
 * return the share of the quota in use, or null if the browser does not say.
 */
export async function checkStorage() {
  if (!navigator.storage) return null;
  if (navigator.storage.persist && !(await navigator.storage.persisted())) {
    await navigator.storage.persist();
  }
  const { usage, quota } = await navigator.storage.estimate();
  return quota ? usage / quota : null;
}

/** The warning to show, or "" while there is room. */
export function storageWarning(share) {
  return share !== null && share > STORAGE_WARNING ? t("storage_low", { percent: `${Math.round(share * 100)} %` }) : "";
}
