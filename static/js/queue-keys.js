// Review queue: n starts reviewing (follows #start-reviewing) unless focus is in a form field.
document.addEventListener("keydown", function (e) {
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || e.ctrlKey || e.metaKey || e.altKey) return;
  var start = document.getElementById("start-reviewing");
  if (e.key === "n" && start) { e.preventDefault(); start.click(); }
});
