/* Behaviour every page shares, bound by data attributes (the Content-Security-Policy runs no
   inline script or event handler):
   - <select data-autosubmit> submits its form when the choice changes;
   - <button data-print> prints the page;
   - <a data-back> goes back one page (its href is where to go without a history). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
    if (event.target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
