/* The ticket slip: print once loaded (unless ?noprint), back to the kiosk after 20 seconds. */
(function () {
  "use strict";
  if (!new URLSearchParams(location.search).has("noprint")) {
    window.addEventListener("load", function () { window.print(); });
  }
  setTimeout(function () { document.querySelector("[data-testid=back]").click(); }, 20000);
})();
