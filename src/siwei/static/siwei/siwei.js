// Siwei page behaviour. No inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches && target.matches(".js-autosubmit") && target.form) {
    target.form.submit();
  }
});
