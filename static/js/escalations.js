/* Escalation inbox: "select all" and the selected count on the bulk-acknowledge button. The page
   works without this script (the checkboxes post as they are). */
(function () {
  "use strict";
  var all = document.getElementById("esc-all");
  var out = document.getElementById("esc-selected-count");
  var button = document.getElementById("esc-ack-selected");
  if (!button) return;
  function picks() { return Array.prototype.slice.call(document.querySelectorAll(".esc-pick")); }
  function update() {
    var n = picks().filter(function (c) { return c.checked; }).length;
    out.textContent = n ? "(" + n + ")" : "";
    button.disabled = n === 0;
    if (all) all.checked = n > 0 && n === picks().length;
  }
  if (all) all.addEventListener("change", function () {
    picks().forEach(function (c) { c.checked = all.checked; });
    update();
  });
  picks().forEach(function (c) { c.addEventListener("change", update); });
  update();
})();
