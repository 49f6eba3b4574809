// Review page keys: a approve, c request changes, r reject, 1-9 clause, Ctrl+Enter send, Esc leave,
// n next, q queue (the queue's address is data-queue-url on #refuse-form).
(function () {
  var refuse = document.getElementById("refuse-form"), clause = document.getElementById("id_clause");
  if (!refuse || !clause) return;
  var reason = document.getElementById("id_reason"), mode = null;
  function choose(decision) {
    if (!document.getElementById(decision)) return;  // not on offer for this clip (e.g. changes on an appeal)
    mode = decision; refuse.dataset.mode = decision; clause.focus();
  }
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && mode && refuse.contains(e.target)) {
      e.preventDefault(); refuse.requestSubmit(document.getElementById(mode)); return;
    }
    if (e.key === "Escape") { mode = null; delete refuse.dataset.mode; e.target.blur(); return; }
    if (mode && e.target === clause && /^[1-9]$/.test(e.key)) {
      var option = clause.options[parseInt(e.key, 10)];
      if (option) { e.preventDefault(); clause.value = option.value; reason.focus(); }
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "a") {
      var approve = document.getElementById("approve-form");
      if (approve) { e.preventDefault(); approve.requestSubmit(); }
    }
    else if (e.key === "c") { e.preventDefault(); choose("changes"); }
    else if (e.key === "r") { e.preventDefault(); choose("reject"); }
    else if (e.key === "n") { e.preventDefault(); document.getElementById("next").click(); }
    else if (e.key === "q") { e.preventDefault(); window.location = refuse.dataset.queueUrl; }
  });
})();
