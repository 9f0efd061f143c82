// The counter's intake form: customer search as you type, deadlines preview (moved out of the
// template so the content security policy can forbid inline script).
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("intake-form"), search = $("customer-search"), list = $("customer-suggest");
  const hidden = form.querySelector("input[name=customer]");
  let timer = null;
  function esc(s) { const d = document.createElement("div"); d.textContent = s == null ? "" : s; return d.innerHTML; }
  function preview() {
    const p = new URLSearchParams({customer: hidden.value || "", channel: form.channel.value,
      severity: form.severity.value, received_at: form.received_at.value || ""});
    fetch(form.dataset.previewUrl + "?" + p, {credentials: "same-origin"}).then(r => r.json()).then(d => {
      $("pv-policy").textContent = d.policy || "—";
      $("pv-ack").textContent = d.ack_due_at || "—";
      $("pv-resolve").textContent = d.resolve_due_at || "—";
      // SPEC §12: the active outage covering the customer (server-rendered, escaped: core.intake)
      $("intake-notices").innerHTML = d.notices_html || "";
    });
  }
  function toggleReceived() { $("received-at-field").hidden = form.channel.value === "counter"; }
  search.addEventListener("input", function () {
    clearTimeout(timer);
    const q = search.value.trim();
    if (q.length < 1) { list.innerHTML = ""; return; }
    timer = setTimeout(function () {
      fetch(form.dataset.searchUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(r => r.json()).then(d => {
          list.innerHTML = d.results.map(c => '<li><button type="button" data-id="' + c.id + '" data-name="' + esc(c.complainant || c.name) +
            '" data-phone="' + esc(c.phone) + '" data-label="' + esc(c.account_no + " · " + c.name + " · " + c.grade_label) + '">' +
            esc(c.account_no) + " · <strong>" + esc(c.name) + "</strong> · " + esc(c.phone) + " · " + esc(c.address) + " · " + esc(c.grade_label) + "</button></li>").join("");
        });
    }, 200);
  });
  list.addEventListener("click", function (ev) {
    const b = ev.target.closest("button"); if (!b) return;
    hidden.value = b.dataset.id;
    $("customer-chosen-text").textContent = b.dataset.label;
    $("customer-chosen").hidden = false;
    // the complainant of a company is its contact person (the search answers `complainant`); a name or
    // phone filled in from an earlier choice is replaced, one the clerk typed is kept
    [["complainant_name", b.dataset.name], ["complainant_phone", b.dataset.phone]].forEach(function (pair) {
      const input = form[pair[0]];
      if (!input.value || input.value === input.dataset.filled) { input.value = pair[1]; input.dataset.filled = pair[1]; }
    });
    list.innerHTML = ""; search.value = "";
    preview();
  });
  $("customer-clear").addEventListener("click", function () {
    hidden.value = ""; $("customer-chosen").hidden = true; preview();
  });
  form.description.addEventListener("input", function () { $("desc-count").textContent = form.description.value.length; });
  ["channel", "severity", "received_at"].forEach(n => form[n].addEventListener("change", function () { toggleReceived(); preview(); }));
  toggleReceived(); preview();
  $("desc-count").textContent = form.description.value.length;
})();
