// The check-in scanner: reads QR codes from the camera (static/js/qr_camera.js),
// posts each code (or one typed in the form) to /scan and shows the green or
// red card the server answers with, with a beep and a buzz. The camera keeps
// running between scans. Without a camera the typed code still works; without
// JavaScript the form posts and the page comes back with the result.
(() => {
  const SAME_CODE_MS = 3000;

  const root = document.querySelector("[data-scanner]");
  if (!root || !window.CupoQrCamera) return;
  const { beep, postCode } = window.CupoQrCamera;
  const form = root.querySelector("[data-scan-form]");
  const codeField = form.querySelector("input[name=code]");
  const resultArea = root.querySelector("[data-result-area]");
  const status = root.querySelector("[data-status]");

  let lastCode = null;
  let lastSeenAt = 0;

  const say = (key) => {
    status.textContent = root.dataset[key];
  };

  async function send(code) {
    camera.paused = true;
    say("msgChecking");
    try {
      const answer = await postCode(form, code);
      if (answer.html) {
        resultArea.innerHTML = answer.html;
        const card = resultArea.querySelector("[data-result]");
        beep(card ? card.dataset.result === "ok" : answer.ok);
      } else {
        resultArea.textContent = root.dataset.msgOffline;
        beep(false);
      }
    } finally {
      camera.paused = false;
      say(camera.running ? "msgReady" : "msgNoCamera");
    }
  }

  // the same code held in view is sent once, not every frame
  function onCode(text) {
    const now = Date.now();
    const repeat = text === lastCode && now - lastSeenAt < SAME_CODE_MS;
    lastCode = text;
    lastSeenAt = now;
    if (!repeat) send(text);
  }

  const camera = window.CupoQrCamera.open(root.querySelector("[data-camera]"), { onCode, say });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = codeField.value.trim();
    send(code).then(() => {
      codeField.value = "";
      codeField.focus();
    });
  });

  const fullscreen = document.querySelector("[data-fullscreen]");
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
    });
  }

  camera.start().then((started) => {
    if (started) return;
    say("msgNoCamera");
    codeField.focus();
  });
})();
