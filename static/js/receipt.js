/* The receipt's print buttons: A4 or the 80 mm receipt printer. Without this script the links
   open the receipt laid out for that paper (?paper=80mm), ready for the browser's print. */
(function () {
  "use strict";
  document.querySelectorAll(".js-print").forEach(function (link) {
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      document.body.classList.toggle("receipt-80mm", link.getAttribute("data-paper") === "80mm");
      window.print();
    });
  });
})();
