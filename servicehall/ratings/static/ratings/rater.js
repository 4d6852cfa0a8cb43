/* The rating device (评价器): polls the window's rating-device API every second with the last
   ETag (304 while nothing changed), shows the finished matter with five choices — none selected —
   and posts the rating with the matter's token. Without an answer it returns to idle after
   data-idle seconds: the matter stays unrated (never defaulted) and is not shown again here. */
(function () {
  "use strict";
  var root = document.getElementById("rater");
  var idleSeconds = parseInt(root.dataset.idle, 10) || 60;
  var etag = null, token = null, level = null, idleTimer = null, sending = false;
  var dismissed = new Set();

  function $(id) { return document.getElementById(id); }

  function view(name) {
    root.dataset.state = name;
    $("idle").hidden = name !== "idle";
    $("matter").hidden = name !== "matter";
    $("thanks").hidden = name !== "thanks";
  }

  function reset() {
    level = null;
    root.querySelectorAll(".rater-level").forEach(function (b) {
      b.classList.remove("chosen"); b.setAttribute("aria-checked", "false");
    });
    root.querySelectorAll("input[name=reasons]").forEach(function (c) { c.checked = false; });
    $("comment").value = "";
    $("reasons").hidden = true;
    $("submit").disabled = true;
    $("error").hidden = true;
  }

  function touch() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      if (token) dismissed.add(token);
      token = null; view("idle");
    }, idleSeconds * 1000);
  }

  function show(data) {
    if (!data.matter || !data.token || dismissed.has(data.token)) {
      if (root.dataset.state === "matter") { token = null; view("idle"); }
      return;
    }
    if (data.token === token) return;
    token = data.token;
    reset();
    var m = data.matter;
    $("item").textContent = m.item;
    $("window-name").textContent = m.window;
    $("staff").textContent = m.staff;
    $("badge").textContent = m.badge ? "(" + m.badge + ")" : "";
    $("ref").textContent = m.ref;
    var photo = $("photo");
    if (m.photo) { photo.src = m.photo; photo.hidden = false; } else { photo.hidden = true; }
    view("matter");
    touch();
  }

  function poll() {
    var headers = {"Accept": "application/json"};
    if (etag) headers["If-None-Match"] = etag;
    fetch(root.dataset.api, {headers: headers, credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        if (r.status === 304) return null;
        if (!r.ok) throw new Error(r.status);
        etag = r.headers.get("ETag");
        return r.json();
      })
      .then(function (data) { if (data && !sending) show(data); })
      .catch(function () { etag = null; })
      .finally(function () { setTimeout(poll, 1000); });
  }

  root.querySelectorAll(".rater-level").forEach(function (b) {
    b.addEventListener("click", function () {
      level = parseInt(b.dataset.level, 10);
      root.querySelectorAll(".rater-level").forEach(function (o) {
        o.classList.toggle("chosen", o === b); o.setAttribute("aria-checked", o === b ? "true" : "false");
      });
      $("reasons").hidden = level < 4;
      if (level < 4) root.querySelectorAll("input[name=reasons]").forEach(function (c) { c.checked = false; });
      $("submit").disabled = false;
      touch();
    });
  });
  root.addEventListener("input", touch);

  $("skip").addEventListener("click", function () {
    if (token) dismissed.add(token);
    token = null; view("idle");
  });

  $("submit").addEventListener("click", function () {
    if (!token || !level || sending) return;
    sending = true;
    $("submit").disabled = true;
    var reasons = Array.prototype.map.call(
      root.querySelectorAll("input[name=reasons]:checked"), function (c) { return c.value; });
    fetch(root.dataset.rate, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      credentials: "omit",
      body: JSON.stringify({token: token, level: level, reasons: reasons,
                            comment: $("comment").value, channel: "device"})
    }).then(function (r) {
      return r.json().then(function (body) { return {status: r.status, body: body}; });
    }).then(function (res) {
      sending = false;
      if (res.status === 201 || res.status === 409) {
        dismissed.add(token); token = null;
        clearTimeout(idleTimer);
        view("thanks");
        setTimeout(function () { if (root.dataset.state === "thanks") view("idle"); }, 4000);
      } else {
        $("error").textContent = res.body.message || String(res.status);
        $("error").hidden = false;
        $("submit").disabled = false;
      }
    }).catch(function () { sending = false; $("submit").disabled = false; });
  });

  view("idle");
  poll();
})();
