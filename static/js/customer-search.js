/* Search-as-you-type for customers (used by /customers/ and reusable on the counter page).
 *
 * <input data-customer-search="/customers/search.json" data-suggest-target="list-id"
 *        data-empty-text="No match">  + <ul id="list-id" class="suggest" hidden></ul>
 * Selecting a suggestion opens the customer card, unless the page registered its own handler:
 *   CustomerSearch.attach(input, {onSelect: function (customer) { ... }})
 */
(function () {
  "use strict";

  function attach(input, options) {
    options = options || {};
    var list = document.getElementById(input.dataset.suggestTarget);
    var url = input.dataset.customerSearch;
    var timer = null, seq = 0, items = [], active = -1;
    var onSelect = options.onSelect || function (c) { window.location.href = c.url; };

    function close() { list.hidden = true; list.innerHTML = ""; items = []; active = -1; }

    function highlight(i) {
      var nodes = list.querySelectorAll("li");
      nodes.forEach(function (n, k) { n.classList.toggle("active", k === i); n.setAttribute("aria-selected", k === i); });
      active = i;
    }

    function render(results) {
      list.innerHTML = "";
      items = results;
      active = -1;
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "empty";
        empty.textContent = input.dataset.emptyText || "—";
        list.appendChild(empty);
      }
      results.forEach(function (c, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.dataset.accountNo = c.account_no;
        var grade = document.createElement("span");
        grade.className = "grade grade-" + c.grade;
        grade.textContent = c.grade;
        grade.title = c.grade_label;
        var name = document.createElement("strong");
        name.textContent = c.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = [c.account_no, c.phone, c.address].filter(Boolean).join(" · ");
        li.append(grade, " ", name, meta);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); onSelect(c); close(); });
        list.appendChild(li);
      });
      list.hidden = false;
    }

    function search() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) { if (mine === seq) render(data.results || []); })
        .catch(function () { /* the form still works without suggestions */ });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !items.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); onSelect(items[active]); close(); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  window.CustomerSearch = {attach: attach};
  document.querySelectorAll("input[data-customer-search]").forEach(function (input) {
    if (!input.dataset.manualAttach) attach(input);
  });
})();
