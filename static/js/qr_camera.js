// What both QR scanners share (static/js/scanner.js for staff at the door,
// static/js/self_checkin.js on the member's phone): the back camera read
// frame by frame with the vendored jsQR, posting a code the way their form
// would, and the beep and buzz that answer a scan. Load it after jsQR and
// before the scanner that uses it (all `defer`, in that order).
window.CupoQrCamera = (() => {
  const FRAME_MS = 150;

  function supported() {
    return Boolean(window.jsQR && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  // A camera in `box` (a <video> and a <canvas>) that hands every code it
  // reads to `onCode(text)`, a frame every FRAME_MS, until stopped (onCode
  // may stop it). `say(key)` is told "msgStarting" and "msgReady". While
  // `paused` is set, frames are skipped but the camera keeps running.
  function open(box, { onCode, say }) {
    const video = box.querySelector("video");
    const canvas = box.querySelector("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    let stream = null;
    let timer = null;

    const camera = {
      paused: false,
      get running() {
        return stream !== null;
      },
      // resolves to false (the box hidden) when there is no camera to use
      async start() {
        if (!supported()) {
          camera.stop();
          return false;
        }
        say("msgStarting");
        try {
          stream = await navigator.mediaDevices.getUserMedia({
            video: { facingMode: "environment" },
            audio: false,
          });
          video.srcObject = stream;
          box.hidden = false;
          await video.play();
        } catch (error) {
          camera.stop();
          return false;
        }
        say("msgReady");
        tick();
        return true;
      },
      // gives the camera back (its light goes off) and hides the box
      stop() {
        clearTimeout(timer);
        timer = null;
        if (stream) stream.getTracks().forEach((track) => track.stop());
        stream = null;
        video.srcObject = null;
        box.hidden = true;
      },
    };

    function read() {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      return code && code.data ? code.data : null;
    }

    function tick() {
      timer = null;
      if (!stream) return;
      if (!camera.paused && video.readyState >= video.HAVE_ENOUGH_DATA) {
        const text = read();
        if (text) onCode(text);
      }
      if (stream && timer === null) timer = setTimeout(tick, FRAME_MS);
    }

    return camera;
  }

  // Post `code` with the rest of `form` (its CSRF token) as HTMX would.
  // Resolves to { html, ok, status }: `html` is the server's result card
  // (null when the answer is not one, or the server was not reached; status
  // 0 then), `ok` whether the response was a success.
  async function postCode(form, code) {
    const data = new FormData(form);
    data.set("code", code);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      const html = await response.text();
      const type = response.headers.get("Content-Type") || "";
      const card = type.includes("text/html") && html.includes("data-result=");
      return { html: card ? html : null, ok: response.ok, status: response.status };
    } catch (error) {
      return { html: null, ok: false, status: 0 };
    }
  }

  // A short buzz for a good scan, a double one for a refusal.
  function buzz(ok) {
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [120, 80, 120]);
  }

  let audio = null;

  // A high short beep for a good scan, a low long one for a refusal, and the buzz.
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = ok ? "sine" : "square";
      tone.frequency.value = ok ? 1320 : 220;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (ok ? 0.15 : 0.45));
    } catch (error) {
      // no sound on this device: the card is the answer
    }
    buzz(ok);
  }

  return { open, postCode, beep, buzz };
})();
