// Self check-in: the member's camera (static/js/qr_camera.js) reads the door
// code (the QR on the kiosk or a room's display) and posts it to
// /app/check-in; the server answers with a green or red card. The camera
// stops after a door code is read, so the phone does not keep filming; "Scan
// again" restarts it. Other QR codes are answered here, without a request.
(() => {
  const root = document.querySelector("[data-self-checkin]");
  if (!root || !window.CupoQrCamera) return;
  const { buzz, postCode } = window.CupoQrCamera;
  const form = root.querySelector("[data-door-form]");
  const resultArea = root.querySelector("[data-result-area]");
  const status = root.querySelector("[data-status]");
  const again = root.querySelector("[data-scan-again]");
  const prefix = root.dataset.prefix;

  const say = (key) => {
    status.textContent = root.dataset[key];
  };

  function showText(key) {
    resultArea.textContent = root.dataset[key];
  }

  async function send(code) {
    camera.stop();
    say("msgChecking");
    const answer = await postCode(form, code);
    let ok = false;
    if (answer.html) {
      resultArea.innerHTML = answer.html;
      const card = resultArea.querySelector("[data-result]");
      ok = Boolean(card) && card.dataset.result === "ok";
    } else {
      showText(answer.status === 429 ? "msgSlow" : "msgOffline");
    }
    buzz(ok);
    say(ok ? "msgDone" : "msgStopped");
    again.hidden = ok;
    if (!ok) again.focus();
  }

  function onCode(text) {
    if (text.trim().toUpperCase().startsWith(prefix)) send(text);
    else say("msgNotDoor");
  }

  const camera = window.CupoQrCamera.open(root.querySelector("[data-camera]"), { onCode, say });

  async function startCamera() {
    again.hidden = true;
    if (await camera.start()) return;
    say("msgNoCamera");
    again.hidden = false;
  }

  again.addEventListener("click", () => {
    resultArea.textContent = "";
    startCamera();
  });
  // a phone that locks or switches apps gives the camera back
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && camera.running) {
      camera.stop();
      say("msgStopped");
      again.hidden = false;
    }
  });

  startCamera();
})();
