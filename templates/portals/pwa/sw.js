// Cupo's member app worker (scope /app/). Rendered by app/portals/pwa.py.
const VERSION = {{ version|tojson }};
const SHELL = {{ shell|tojson }};
const OFFLINE = {{ offline|tojson }};
const NEVER = ["/admin", "/trainer", "/desk", "/api/"];
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION)
      .then((cache) => cache.addAll([...SHELL, ...Object.values(OFFLINE)]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function storable(response) {
  return response.ok && !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

function keep(request, response) {
  if (storable(response)) {
    const copy = response.clone();
    caches.open(VERSION).then((cache) => cache.put(request, copy));
  }
  return response;
}

function offlinePage() {
  const lang = (navigator.language || "").slice(0, 2);
  return caches.match(OFFLINE[lang] || Object.values(OFFLINE)[0]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (url.pathname.startsWith("/static/") && HASHED.test(url.pathname)) {
    // a hashed name never changes: the stored copy is the file
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((r) => keep(request, r))));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    // member pages: the network first, the stored copy (or the offline page) without one
    event.respondWith(
      fetch(request)
        .then((response) => keep(request, response))
        .catch(() => caches.match(request).then((hit) => hit || offlinePage()))
    );
  }
});
