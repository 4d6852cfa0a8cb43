/* The hall display: polls the display API every second with the last ETag (an unchanged hall
   answers 304), redraws on change, and calls each new number aloud with the browser's Chinese
   voice. The call text is always on screen; without a Chinese voice (or before the browser
   allows speech) the screen says so. The hall element's data-speech tells what happened to the
   last call: "spoken", "fallback" (no Chinese voice) or "blocked" (speech not allowed yet). */
(function () {
  "use strict";
  var hall = document.getElementById("hall");
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var initial = JSON.parse(document.getElementById("initial-calls").textContent);
  var seen = new Set(initial.map(function (c) { return c.key; }));
  var queue = [];
  var etag = null;
  var busy = false;

  function chineseVoice() {
    if (!("speechSynthesis" in window)) return null;
    return window.speechSynthesis.getVoices().find(function (v) { return /^zh/i.test(v.lang); }) || null;
  }

  function show(state, note) {
    hall.dataset.speech = state;
    document.getElementById("voice").textContent = note || "";
  }

  function next() {
    if (busy || !queue.length) return;
    var phrase = queue.shift();
    document.getElementById("call").textContent = phrase;
    hall.dataset.lastPhrase = phrase;
    var voice = chineseVoice();
    if (!voice) { show("fallback", labels.noVoice); setTimeout(next, 2500); return; }
    busy = true;
    var u = new SpeechSynthesisUtterance(phrase);
    u.lang = "zh-CN"; u.voice = voice; u.rate = 0.8;
    u.onend = function () { busy = false; show("spoken"); setTimeout(next, 800); };
    u.onerror = function (e) {
      busy = false;
      if (e.error === "not-allowed") {
        show("blocked", labels.blocked);
        document.getElementById("enable-voice").hidden = false;
      } else {
        show("fallback", labels.noVoice);
      }
      setTimeout(next, 2500);
    };
    window.speechSynthesis.speak(u);
  }

  function text(el, value) { el.textContent = value; return el; }

  function render(data) {
    document.getElementById("clock").textContent = data.now;
    document.getElementById("extended").hidden = !data.extended;
    var windows = document.getElementById("windows");
    windows.replaceChildren.apply(windows, data.windows.map(function (w) {
      var box = document.createElement("div");
      box.className = "hall-window " + w.state;
      box.dataset.window = w.number;
      box.appendChild(text(document.createElement("div"), w.number + labels.window + " " + w.name)).className = "no";
      var body = document.createElement("div");
      if (w.state === "paused") { body.className = "sign"; body.textContent = labels.paused; }
      else if (w.state === "closed") { body.className = "sign"; body.textContent = labels.closed; }
      else { body.className = "num"; body.textContent = w.current || ""; }
      box.appendChild(body);
      return box;
    }));
    var calls = document.getElementById("calls");
    calls.replaceChildren.apply(calls, data.calls.map(function (c) {
      var li = document.createElement("li");
      li.appendChild(text(document.createElement("span"), c.number));
      li.appendChild(text(document.createElement("span"), c.window + labels.window));
      return li;
    }));
    var lines = document.getElementById("lines");
    lines.replaceChildren.apply(lines, data.lines.map(function (l) {
      return text(document.createElement("span"), l.prefix + " " + l.name + "：" + labels.waiting.replace("%(n)s", l.waiting));
    }));
    data.calls.slice().reverse().forEach(function (c) {
      if (!seen.has(c.key)) { seen.add(c.key); queue.push(c.phrase); }
    });
    next();
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(hall.dataset.api, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 200) { etag = r.headers.get("ETag"); return r.json().then(render); }
      })
      .catch(function () { /* the next poll tries again */ })
      .finally(function () { setTimeout(poll, 1000); });
  }

  document.getElementById("enable-voice").addEventListener("click", function (e) {
    e.target.hidden = true;
    var u = new SpeechSynthesisUtterance(" ");
    u.lang = "zh-CN";
    window.speechSynthesis.speak(u);
    show("idle");
  });
  if ("speechSynthesis" in window) window.speechSynthesis.getVoices();
  poll();
})();
