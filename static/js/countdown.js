// Contest page: every [data-countdown] element (an ISO date) counts down each second.
(function () {
  var nodes = document.querySelectorAll("[data-countdown]");
  if (!nodes.length) return;
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    nodes.forEach(function (node) {
      var left = Math.floor((Date.parse(node.dataset.countdown) - Date.now()) / 1000);
      if (isNaN(left)) return;
      if (left <= 0) { node.textContent = gettext("now (reload the page)"); return; }
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      node.textContent = (d ? interpolate(gettext("%s d"), [d]) + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
