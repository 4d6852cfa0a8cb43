/* The visit register: show only the follow-up fields of the chosen outcome. */
(function () {
  "use strict";
  function show() {
    var chosen = document.querySelector("input[name=outcome]:checked");
    document.querySelectorAll(".target").forEach(function (el) {
      el.hidden = !chosen || el.dataset.for !== chosen.value;
    });
  }
  document.querySelectorAll("input[name=outcome]").forEach(function (el) { el.addEventListener("change", show); });
  show();
})();
