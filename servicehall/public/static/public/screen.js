/* The hall screen: the center's clock (from the server's time) and the slides, one after the other. */
(function () {
  var box = document.getElementById("slides");
  var slides = box.querySelectorAll(".slide");
  var counter = document.getElementById("slide-count");
  var clock = document.getElementById("screen-clock");
  var started = Date.now(), serverNow = new Date(clock.dataset.now).getTime();
  var seconds = parseInt(box.dataset.seconds, 10) || 12;
  var i = 0;
  function tick() {
    var t = new Date(serverNow + Date.now() - started);
    clock.textContent = String(t.getHours()).padStart(2, "0") + ":" + String(t.getMinutes()).padStart(2, "0");
  }
  function next() {
    if (i + 1 >= slides.length) { window.location.href = box.dataset.next; return; }
    slides[i].classList.remove("active");
    i += 1;
    slides[i].classList.add("active");
    counter.textContent = (i + 1) + " / " + slides.length;
  }
  tick();
  setInterval(tick, 10000);
  setInterval(next, seconds * 1000);
})();
