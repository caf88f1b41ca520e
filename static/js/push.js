// "Turn on notifications" on the Notifications page (templates/notifications/_push_devices.html).
// The browser is asked for permission only when the person taps the button.
// Then the page's worker (the member app's /app/sw.js, or the trainer portal's
// /trainer/sw.js; static/js/app.js registers them) subscribes with the gym's
// VAPID key and the subscription is posted to the server, which lists it as a
// device. iPhones and iPads get push only in the installed app, so Safari there
// says to add the app to the home screen first; a refusal says how to undo it.
(() => {
  const box = document.getElementById("push-devices");
  if (!box) return;
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function show(state) {
    box.querySelectorAll("[data-push-state]").forEach((element) => {
      element.hidden = element.dataset.pushState !== state;
    });
  }

  // Safari on an iPhone or iPad (iPadOS says "Macintosh" but has a touch screen)
  function appleMobile() {
    const agent = navigator.userAgent;
    return /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
  }

  function installed() {
    return navigator.standalone === true || window.matchMedia("(display-mode: standalone)").matches;
  }

  // the VAPID public key (base64url) as the bytes `subscribe` takes
  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const text = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(text, (character) => character.charCodeAt(0));
  }

  function sameKey(buffer, wanted) {
    if (!buffer) return true; // a browser that does not say: take it as ours
    const bytes = new Uint8Array(buffer);
    return bytes.length === wanted.length && bytes.every((byte, index) => byte === wanted[index]);
  }

  // Mark "This device" in the list; true when this browser's subscription is in it.
  function markThisDevice(endpoint) {
    let found = false;
    box.querySelectorAll("[data-push-endpoint]").forEach((row) => {
      const mine = Boolean(endpoint) && row.dataset.pushEndpoint === endpoint;
      row.querySelector("[data-this-device]").hidden = !mine;
      found = found || mine;
    });
    return found;
  }

  async function currentSubscription() {
    const registration = await navigator.serviceWorker.ready;
    return registration.pushManager.getSubscription();
  }

  async function refresh() {
    if (!supported) {
      show(appleMobile() && !installed() ? "install" : "unsupported");
      return;
    }
    if (Notification.permission === "denied") {
      show("denied");
      return;
    }
    show("off");
    if (Notification.permission === "granted") {
      const subscription = await currentSubscription().catch(() => null);
      if (subscription && markThisDevice(subscription.endpoint)) show("on");
    }
  }

  async function subscribe() {
    const registration = await navigator.serviceWorker.ready;
    const key = keyBytes(box.dataset.publicKey);
    let subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options && subscription.options.applicationServerKey, key)) {
      await subscription.unsubscribe(); // made for another key: it cannot carry ours
      subscription = null;
    }
    return subscription || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }

  async function turnOn(button) {
    const failed = box.querySelector("[data-push-error]");
    button.disabled = true;
    failed.hidden = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        show(permission === "denied" ? "denied" : "off");
        return;
      }
      const subscription = await subscribe();
      const token = document.querySelector('meta[name="csrf-token"]');
      const response = await fetch(box.dataset.subscribeUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.content : "" },
        body: JSON.stringify(subscription.toJSON ? subscription.toJSON() : subscription),
      });
      if (!response.ok) throw new Error(`subscribe answered ${response.status}`);
      window.location.reload(); // the list (and its message) come from the server
    } catch (error) {
      failed.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  box.addEventListener("click", (event) => {
    const button = event.target.closest("[data-push-enable]");
    if (button) turnOn(button);
  });

  // Removing this device also ends the browser's subscription.
  box.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-push-remove]");
    const row = form && form.closest("[data-push-endpoint]");
    const badge = row && row.querySelector("[data-this-device]");
    if (!badge || badge.hidden || !supported) return;
    event.preventDefault();
    currentSubscription()
      .then((subscription) => subscription && subscription.unsubscribe())
      .catch(() => {})
      .then(() => form.submit());
  });

  refresh();
})();
