// The counter's intake form: customer search as you type, deadlines preview (moved out of the
// template so the content security policy can forbid inline script).
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("intake-form"), search = $("customer-search"), list = $("customer-suggest");
  const hidden = form.querySelector("input[name=customer]");
  let timer = null, previews = 0;
  function esc(s) { const d = document.createElement("div"); d.textContent = s == null ? "" : s; return d.innerHTML; }
  // the kind is picked first (radio buttons: arrow keys, Alt + its number); the form shows what
  // that kind needs ([data-kinds] lists the kinds a block belongs to)
  function kind() { const k = form.querySelector("input[name=kind]:checked"); return k ? k.value : "complaint"; }
  function showKind() {
    const k = kind();
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = el.dataset.kinds.split(" ").indexOf(k) < 0;
    });
    form.querySelectorAll(".kind-choice").forEach(function (el) {
      el.classList.toggle("chosen-kind", el.querySelector("input").checked);
    });
    [$("intake-submit"), $("complainant-name-label"), $("description-label")].forEach(function (el) {
      el.textContent = k === "complaint" ? el.dataset.labelComplaint : el.dataset.labelOther;
    });
    if (form.inside_installation) $("inside-help").hidden = !(k === "repair" && form.inside_installation.value === "true");
  }
  function preview() {
    const p = new URLSearchParams({customer: hidden.value || "", channel: form.channel.value,
      severity: form.severity.value, received_at: form.received_at.value || "", kind: kind(),
      service_type: form.service_type ? form.service_type.value : ""});
    const asked = ++previews;  // answers can come back out of order: only the last question's counts
    fetch(form.dataset.previewUrl + "?" + p, {credentials: "same-origin"}).then(r => r.json()).then(d => {
      if (asked !== previews) return;
      $("pv-kind").textContent = d.kind_label || "—";
      $("pv-prefix").textContent = d.prefix ? d.prefix + "YYYYMMDD####" : "—";
      $("pv-policy").textContent = d.policy || "—";
      $("pv-ack").textContent = d.ack_due_at || "—";
      $("pv-resolve").textContent = d.resolve_due_at || "—";
      // SPEC §12: the active outage covering the customer (server-rendered, escaped: core.intake)
      $("intake-notices").innerHTML = d.notices_html || "";
      $("pv-callback").textContent = d.callback || "—";
      // a deadline the kind does not have is not shown (an enquiry has no first contact, a repair
      // call no reply deadline of its own); a complaint shows its rows as it always did
      [["ack", "ack_due_at"], ["resolve", "resolve_due_at"], ["callback", "callback"]].forEach(function (pair) {
        const absent = d.kind && d.kind !== "complaint" && !d[pair[1]];
        form.querySelectorAll('[data-pv="' + pair[0] + '"]').forEach(function (el) { el.hidden = absent; });
      });
    });
  }
  form.querySelectorAll("input[name=kind]").forEach(function (r) {
    r.addEventListener("change", function () { showKind(); preview(); });
  });
  if (form.service_type) form.service_type.addEventListener("change", preview);
  if (form.inside_installation) form.inside_installation.addEventListener("change", showKind);
  showKind();
  function toggleReceived() { $("received-at-field").hidden = form.channel.value === "counter"; }
  search.addEventListener("input", function () {
    clearTimeout(timer);
    const q = search.value.trim();
    if (q.length < 1) { list.innerHTML = ""; return; }
    timer = setTimeout(function () {
      fetch(form.dataset.searchUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(r => r.json()).then(d => {
          list.innerHTML = d.results.map(c => '<li><button type="button" data-id="' + c.id + '" data-name="' + esc(c.complainant || c.name) +
            '" data-phone="' + esc(c.phone) + '" data-address="' + esc(c.address) + '" data-label="' + esc(c.account_no + " · " + c.name + " · " + c.grade_label) + '">' +
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
    [["complainant_name", b.dataset.name], ["complainant_phone", b.dataset.phone], ["address", b.dataset.address]].forEach(function (pair) {
      const input = form[pair[0]];
      if (!input) return;
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
