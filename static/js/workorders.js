/* Tablet forms: act once (a double tap sends one request), stamp the device's own time, and on
   "arrived" attach the location when the browser allows it. No framework. */
(function () {
  "use strict";
  function stamp(form) {
    var field = form.querySelector("input[name=client_time]");
    if (field) { field.value = new Date().toISOString(); }
  }
  function lock(form) {
    form.dataset.sent = "1";
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
      b.disabled = true;
      if (b.dataset.busy) { b.textContent = b.dataset.busy; }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.dataset.sent) { ev.preventDefault(); return; }
      stamp(form);
      if (form.dataset.geo && navigator.geolocation && !form.dataset.located) {
        ev.preventDefault();
        lock(form);
        var note = document.getElementById("geo-note");
        var done = function () { form.dataset.located = "1"; form.submit(); };
        var timer = setTimeout(done, 8000);
        navigator.geolocation.getCurrentPosition(function (pos) {
          clearTimeout(timer);
          form.querySelector("input[name=lat]").value = pos.coords.latitude.toFixed(6);
          form.querySelector("input[name=lng]").value = pos.coords.longitude.toFixed(6);
          done();
        }, function () {
          clearTimeout(timer);
          if (note) { note.hidden = false; }
          done();
        }, { enableHighAccuracy: true, timeout: 7000, maximumAge: 60000 });
        return;
      }
      lock(form);
    });
  });
})();
