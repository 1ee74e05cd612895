// Registers the service worker; everything else on the page works without script.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/service_worker.js", { scope: "/" }).catch((error) => {
      console.warn("service worker not registered", error);
    });
  });
}
