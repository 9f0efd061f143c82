// Behaviour every page shares, wired by data attributes (the content security policy forbids
// inline script and on…= handlers):
//   <select data-autosubmit>            submits its form when changed
//   <button data-print="a4|80mm|page">  prints (a4 / 80mm switch the receipt layout first)
(function () {
  document.addEventListener("change", function (ev) {
    const el = ev.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });
  document.addEventListener("click", function (ev) {
    const b = ev.target.closest("[data-print]");
    if (!b) return;
    if (b.dataset.print === "80mm") document.body.classList.add("receipt-80mm");
    else if (b.dataset.print === "a4") document.body.classList.remove("receipt-80mm");
    window.print();
  });
})();
