// Every page: store the browser's time zone in the vernissage_tz cookie, so the server shows times in it
// (unless the account chose a zone). Pages with a [data-tz-reload] element (contest pages) reload once
// when it changed; elsewhere the next page uses it. Times stay in UTC when cookies or Intl are unavailable.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    var match = document.cookie.match(/(?:^|; )vernissage_tz=([^;]*)/);
    if (match && decodeURIComponent(match[1]) === zone) return;
    document.cookie = "vernissage_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    if (document.querySelector("[data-tz-reload]") && !sessionStorage.getItem("vernissage_tz_reloaded")) {
      sessionStorage.setItem("vernissage_tz_reloaded", "1");
      location.reload();
    }
  } catch (e) { /* times stay in UTC */ }
})();
