/* The bell in every page's header: the signed-in user's unread notification count, read from
   /notifications/unread.json when the page loads and every 30 seconds while the tab is visible
   (no reload). The bell is a plain link to /notifications/, so it works without this script. */
(function () {
  "use strict";
  var bell = document.getElementById("bell");
  if (!bell) return;
  var badge = document.getElementById("bell-count");
  var url = bell.getAttribute("data-url");
  var label = bell.getAttribute("data-label") || "";
  var every = 30000;

  function show(n) {
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.hidden = n <= 0;
    bell.classList.toggle("has-unread", n > 0);
    bell.setAttribute("aria-label", label + (n > 0 ? " (" + n + ")" : ""));
    bell.setAttribute("data-unread", String(n));
  }

  function refresh() {
    if (document.visibilityState === "hidden") return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) { show(data.unread || 0); bell.classList.remove("stale"); })
      .catch(function () { bell.classList.add("stale"); });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refresh();
  });
  window.bellRefresh = refresh;
  refresh();
  window.setInterval(refresh, every);
})();
