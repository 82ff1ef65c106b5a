// A signature pad for tablets and mice: the drawing is stored as a PNG data URL in the
// hidden input named by data-signature-input.
(function () {
  document.querySelectorAll("canvas[data-signature-input]").forEach(function (canvas) {
    var input = document.getElementById(canvas.dataset.signatureInput);
    var context = canvas.getContext("2d");
    var drawing = false;
    function fit() {
      canvas.width = canvas.clientWidth;
      context.lineWidth = 2;
      context.lineCap = "round";
    }
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
    });
    canvas.addEventListener("pointerup", function () {
      drawing = false;
      if (input) input.value = canvas.toDataURL("image/png");
    });
    canvas.style.touchAction = "none";
    fit();
    document.querySelectorAll('[data-signature-clear="' + canvas.id + '"]').forEach(function (b) {
      b.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        if (input) input.value = "";
      });
    });
  });
})();
