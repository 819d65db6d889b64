// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Stop double submits: disable a form's buttons once it is sent.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    var buttons = event.target.querySelectorAll("button[type=submit]");
    window.setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Copy buttons: <button data-copy="#element-id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = false; });
  // Print buttons (the invoice page): without JavaScript the browser's own Print does it.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  document.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
  // Sign-up: guess the creator's timezone; the server keeps UTC for anything it doesn't know.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll("input[data-guess-timezone]").forEach(function (input) {
    if (!input.value) input.value = zone;
  });

  // Length counters: fields with data-maxlength (the server's limit) show how much is
  // left once the text nears it, and how much is over; the server still says it on save.
  function counter(field) {
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    if (!limit) return;
    var note = document.createElement("p");
    note.className = "help counter";
    note.id = field.id + "-count";
    note.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", note);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    function update() {
      var length = field.value.length;
      var near = length >= limit * 0.8;
      note.hidden = !near;
      note.classList.toggle("over", length > limit);
      if (length > limit) {
        note.textContent = (length - limit).toLocaleString() + " characters over the limit of " +
          limit.toLocaleString() + ".";
      } else {
        note.textContent = (limit - length).toLocaleString() + " characters left.";
      }
    }
    field.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("[data-maxlength]").forEach(counter);

  // The invoice form's total follows the lines as they are typed; the server shows the
  // same total on every render, so without this file it is right after each save.
  function invoiceTotal(rows) {
    var output = document.querySelector("[data-invoice-total]");
    if (!output) return;
    var format;
    try {
      format = new Intl.NumberFormat(undefined, { style: "currency", currency: rows.getAttribute("data-currency") });
    } catch (e) { return; }
    function update() {
      var cents = 0;
      var ok = true;
      rows.querySelectorAll("input[name$='_unit']").forEach(function (unit) {
        var text = unit.value.trim().replace(/,/g, "");
        if (!text) return;
        if (!/^\d+(\.\d{1,2})?$/.test(text)) { ok = false; return; }
        var quantity = rows.querySelector("[name='" + unit.name.replace("_unit", "_quantity") + "']");
        var count = quantity && quantity.value.trim() ? parseInt(quantity.value, 10) : 1;
        var parts = text.split(".");  // whole cents, as the server counts them
        var unitCents = parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
        cents += unitCents * (count > 0 ? count : 0);
      });
      if (ok) output.textContent = format.format(cents / 100);
    }
    rows.addEventListener("input", update);
  }
  document.querySelectorAll("[data-invoice-rows]").forEach(invoiceTotal);
})();
