// A citizen's or a dispatcher's browser has no use for the courier's service worker, which
// until 2026-12 was registered on every page. A browser that still has it lets it go here,
// with its caches, unless it is a courier's phone: the courier's database names an owner
// or holds something unsent (a courier may well open a citizen's link on the same phone).

async function courierPhone() {
  // Without databases() (old browsers), opening "courier" to look would create it.
  if (!indexedDB.databases) return true;
  if (!(await indexedDB.databases()).some((info) => info.name === "courier")) return false;
  return new Promise((resolve) => {
    const request = indexedDB.open("courier");
    request.onerror = () => resolve(true);  // in doubt, keep it
    request.onsuccess = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("meta") || !db.objectStoreNames.contains("outbox")) {
        db.close();
        resolve(false);
        return;
      }
      const tx = db.transaction(["meta", "outbox"]);
      const owner = tx.objectStore("meta").get("owner");
      const waiting = tx.objectStore("outbox").count();
      tx.oncomplete = () => {
        db.close();
        resolve(Boolean(owner.result) || waiting.result > 0);
      };
      tx.onerror = () => resolve(true);
    };
  });
}

async function forgetCourierWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration("/");
  if (!registration || await courierPhone()) return;
  await registration.unregister();
  for (const name of await caches.keys()) {
    if (name.startsWith("courier-")) await caches.delete(name);
  }
  if (indexedDB.deleteDatabase) indexedDB.deleteDatabase("courier");
}

forgetCourierWorker().catch(() => {});
