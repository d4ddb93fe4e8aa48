// The field app's service worker: the shell (the built files) is cached at install, so the
// app opens with no network after the first visit. Only /app/ is served from here: the API
// always goes to the network, and the queue in IndexedDB is the app's offline store.
const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const CACHE = `pufa-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith("/app/")) return;
  if (event.request.mode === "navigate") {
    // The page: the network's newest when it answers, else the cached shell.
    event.respondWith(
      fetch(event.request)
        .then((answer) => {
          const copy = answer.clone();
          if (answer.ok) caches.open(CACHE).then((cache) => cache.put("/app/", copy));
          return answer;
        })
        .catch(() => caches.match("/app/")),
    );
    return;
  }
  // Built files are named by their content: the cached copy is the right one.
  event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
});
