// Emails: keep "Open in mail app" in step with the text as it is edited.
// Progressive enhancement only: without this file the link carries the text as last
// saved or updated on the server.
(function () {
  "use strict";
  var link = document.querySelector("a[data-mailto]");
  var subject = document.getElementById("subject");
  var body = document.getElementById("body");
  if (!link || !subject || !body) return;
  function update() {
    // Same encoding as crm/emails/mailto.py: UTF-8, line breaks as CRLF (RFC 6068).
    var text = body.value.replace(/\r\n|\r|\n/g, "\r\n");
    var to = encodeURIComponent(link.getAttribute("data-to") || "").replace(/%40/g, "@");
    link.href = "mailto:" + to + "?subject=" + encodeURIComponent(subject.value) +
      "&body=" + encodeURIComponent(text);
  }
  subject.addEventListener("input", update);
  body.addEventListener("input", update);
})();

// Template editor: a click on a placeholder puts {{ name }} at the cursor of the subject or
// body field last focused (the body until then). Without this file the list is a reference.
(function () {
  "use strict";
  var names = document.querySelectorAll("code[data-placeholder]");
  var fields = ["subject", "body"].map(function (id) { return document.getElementById(id); })
    .filter(function (field) { return field; });
  if (!names.length || !fields.length) return;
  var target = fields[fields.length - 1];
  fields.forEach(function (field) {
    field.addEventListener("focus", function () { target = field; });
  });
  function insert(field, text) {
    var start = field.selectionStart, end = field.selectionEnd;
    if (typeof start === "number" && typeof field.setRangeText === "function") {
      field.setRangeText(text, start, end, "end");
    } else {
      field.value += text;
    }
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  Array.prototype.forEach.call(names, function (code) {
    var text = "{{ " + code.getAttribute("data-placeholder") + " }}";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "placeholder-insert";
    button.title = "Insert " + text;
    code.parentNode.insertBefore(button, code);
    button.appendChild(code);
    // Keep the cursor where it is in the field: a mouse press would move focus to the button.
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () { insert(target, text); });
  });
})();
