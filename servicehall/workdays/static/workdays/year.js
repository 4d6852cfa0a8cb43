/* The year calendar: mark the day whose panel was opened. */
document.addEventListener("click", function (event) {
  var cell = event.target.closest(".wd-day[data-date]");
  if (!cell) return;
  document.querySelectorAll(".wd-selected").forEach(function (c) { c.classList.remove("wd-selected"); });
  cell.classList.add("wd-selected");
});
