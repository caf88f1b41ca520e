// Cupo's trainer portal worker (scope /trainer/), served by
// app/notifications/views/push.py. It keeps nothing offline: it only shows
// Web Push messages and opens them.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

{% include "notifications/push/_worker.js" %}
