/* The hall screen: the center's clock (from the server's time) and the slides, one after the other. */
(function () {
  var box = document.getElementById("slides");
  var slides = box.querySelectorAll(".slide");
  var counter = document.getElementById("slide-count");
  var clock = document.getElementById("screen-clock");
  // The center's time, not the browser's zone: the server's moment plus the time elapsed here,
  // shifted by the center's offset from UTC and read as UTC.
  var started = Date.now(), serverNow = parseInt(clock.dataset.epoch, 10);
  var offset = parseInt(clock.dataset.offset, 10) || 0;
  var seconds = parseInt(box.dataset.seconds, 10) || 12;
  var i = 0;
  function tick() {
    var t = new Date(serverNow + Date.now() - started + offset * 60000);
    clock.textContent = String(t.getUTCHours()).padStart(2, "0") + ":" + String(t.getUTCMinutes()).padStart(2, "0");
  }
  function next() {
    if (i + 1 >= slides.length) { window.location.href = box.dataset.next; return; }
    slides[i].classList.remove("active");
    i += 1;
    slides[i].classList.add("active");
    counter.textContent = (i + 1) + " / " + slides.length;
  }
  tick();
  setInterval(tick, 1000);
  setInterval(next, seconds * 1000);
})();
