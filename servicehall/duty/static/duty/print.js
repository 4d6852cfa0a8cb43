/* A page's print button: the browser's print dialogue (the page's own @page rule sets A4 landscape). */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
