// Print buttons of the repair-order print layouts (no inline scripts under the CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
