// The header's menu button (templates/base.html): on narrow screens it shows and hides the navigation.
// The stylesheet collapses the navigation only under the "js-menu" class this script puts on <html>, so
// without JavaScript the navigation stays visible.
(function () {
  "use strict";
  document.documentElement.classList.add("js-menu");

  function setUp() {
    var button = document.getElementById("menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) {
      return;
    }

    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      setOpen(!isOpen());
      if (isOpen()) {
        var first = menu.querySelector("a, button");
        if (first) {
          first.focus();
        }
      }
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !isOpen()) {
        return;
      }
      setOpen(false);
      button.focus();
    });

    // A click outside the open menu closes it (focus stays where the click put it).
    document.addEventListener("click", function (event) {
      if (isOpen() && !menu.contains(event.target) && !button.contains(event.target)) {
        setOpen(false);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
