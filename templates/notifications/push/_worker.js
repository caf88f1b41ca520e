// Web Push (app/notifications/push.py sends {title, body, url, tag}): show the
// message, and on a tap bring forward the window already on its page or open it.
// Included in the member app's worker and the trainer portal's; `home` is the
// worker's scope, where a message without a page of its own leads.
const PUSH_HOME = new URL({{ home|tojson }}, self.location.origin).href;
const PUSH_ICON = {{ app_icon_url("192")|tojson }};
const PUSH_NAME = {{ gym.gym_name|tojson }};

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data.text() };
  }
  const options = { body: message.body || "", icon: PUSH_ICON, data: { url: message.url || PUSH_HOME } };
  if (message.tag) options.tag = message.tag;
  event.waitUntil(self.registration.showNotification(message.title || PUSH_NAME, options));
});

// only this site's pages: a message never sends anyone elsewhere
function pushTarget(notification) {
  const wanted = new URL((notification.data && notification.data.url) || PUSH_HOME, self.location.origin);
  return wanted.origin === self.location.origin ? wanted.href : PUSH_HOME;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = pushTarget(event.notification);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => client.url === target);
    return open ? open.focus() : self.clients.openWindow(target);
  }));
});
