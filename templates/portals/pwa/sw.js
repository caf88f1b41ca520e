// Cupo's member app worker (scope /app/). Rendered by app/portals/pwa.py.
const VERSION = {{ version|tojson }};
const SHELL = {{ shell|tojson }};
const OFFLINE = {{ offline|tojson }};
const PLAN = {{ plan|tojson }};
const NEVER = ["/admin", "/trainer", "/desk", "/api/"];
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;
// the member's own copies: "cupo-pages-<member>" (static/js/app.js deletes
// those of anyone else); a pass and its QR image are kept while listed
const PAGES = "cupo-pages-";
const PASS = /^\/app\/bookings\/\d+(\/qr\.png)?$/;
const DIGEST = "/app/offline.json?stored=digest";
const LANGUAGE = "/app/offline.json?stored=language";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION)
      .then((cache) => cache.addAll([...SHELL, ...Object.values(OFFLINE)]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  // a release replaces everything: stored pages name the old release's files
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function storable(response) {
  return response.ok && response.type === "basic" && !response.redirected
    && !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

function memberCache() {
  return caches.keys().then((keys) => {
    const name = keys.find((key) => key.startsWith(PAGES));
    return name ? caches.open(name) : null;
  });
}

function keep(request, response, cacheName) {
  if (storable(response)) {
    const copy = response.clone();
    const opening = cacheName === VERSION ? caches.open(VERSION) : memberCache();
    opening.then((cache) => cache && cache.put(request, copy));
  }
  return response;
}

// in the member's language (kept at the last sync), else the browser's
function offlinePage() {
  return caches.match(LANGUAGE)
    .then((stored) => (stored ? stored.text() : navigator.language || ""))
    .then((lang) => caches.match(OFFLINE[lang.slice(0, 2)] || Object.values(OFFLINE)[0]));
}

// A stored page says it is one: static/js/app.js then shows "You're offline"
// with the time it was made, and disables what needs the server.
function fromThePhone(response) {
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");  // the body changes length; it is stored decoded
  headers.delete("Content-Encoding");
  return response.text().then((html) => new Response(
    html.replace('data-served="network"', 'data-served="cache"'),
    { status: response.status, headers }
  ));
}

function storedPage(request) {
  return caches.match(request).then((hit) => (hit ? fromThePhone(hit) : offlinePage()));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (url.pathname.startsWith("/static/") && HASHED.test(url.pathname)) {
    // a hashed name never changes: the stored copy is the file
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((r) => keep(request, r, VERSION))));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/app/")) {
    // member pages: the network first, the stored copy (or the offline page) without one
    event.respondWith(fetch(request).then((response) => keep(request, response)).catch(() => storedPage(request)));
  } else if (PASS.test(url.pathname)) {
    // a pass's QR image: the network first, the stored copy without one
    event.respondWith(fetch(request).then((response) => keep(request, response)).catch(() => caches.match(request)
      .then((hit) => hit || Response.error())));
  }
});

// Bring the member's copies up to date (asked by static/js/app.js): the plan
// lists their pages; an unchanged digest costs nothing more; passes no longer
// listed (cancelled, over) are deleted.
async function sync(member, skip) {
  const name = PAGES + member;
  const keys = await caches.keys();
  await Promise.all(keys.filter((key) => key.startsWith(PAGES) && key !== name).map((key) => caches.delete(key)));
  const response = await fetch(PLAN, { cache: "no-store", credentials: "same-origin" });
  if (!response.ok || response.redirected) return false;
  const plan = await response.json();
  if (plan.member !== member) return false;
  const cache = await caches.open(name);
  await cache.put(LANGUAGE, new Response(plan.language || ""));
  const stored = await cache.match(DIGEST);
  if (stored && (await stored.text()) === plan.digest) return true;
  const listed = new Set(plan.pages.map((page) => new URL(page, self.location.origin).href));
  const have = new Set((await cache.keys()).map((request) => request.url));
  await Promise.all(plan.pages.map(async (page) => {
    const href = new URL(page, self.location.origin).href;
    // a QR image never changes; the page just shown was stored as it came
    if (have.has(href) && (page.endsWith(".png") || page === skip)) return;
    const copy = await fetch(page, { credentials: "same-origin" });
    if (storable(copy)) await cache.put(href, copy);
  }));
  await Promise.all([...have].filter((href) => PASS.test(new URL(href).pathname) && !listed.has(href))
    .map((href) => cache.delete(href)));
  await cache.put(DIGEST, new Response(plan.digest));
  return true;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "sync" || !data.member) return;
  const reply = (ok) => event.ports[0] && event.ports[0].postMessage({ ok });
  event.waitUntil(sync(data.member, data.skip).then(reply, () => reply(false)));
});

{% with home="/app/" %}{% include "notifications/push/_worker.js" %}{% endwith %}
