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
