// Keeps the reader's place: after a save the page opens at #entry-<id> (the saved item) and after a
// refused save at the item marked data-focus-here; either one gets the keyboard focus and is scrolled to.
(function () {
  "use strict";
  function target() {
    var marked = document.querySelector("[data-focus-here]");
    if (marked) return marked;
    var id = window.location.hash ? decodeURIComponent(window.location.hash.slice(1)) : "";
    return id ? document.getElementById(id) : null;
  }
  function place() {
    var el = target();
    if (!el) return;
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "start" });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", place);
  else place();
})();
