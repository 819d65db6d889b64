// Pipeline board drag and drop. Progressive enhancement only: every card has a
// status form that works without this file; dropping a card submits that form.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board || !("draggable" in document.createElement("li"))) return;
  var dragged = null;

  // The moves a card allows are the options of its own move form.
  function allowed(card, status) {
    return !!card.querySelector('[data-pitch-move] option[value="' + status + '"]');
  }

  function columns() {
    return board.querySelectorAll(".board-column");
  }

  function clearMarks() {
    columns().forEach(function (column) {
      column.classList.remove("drop-ok", "drop-no");
    });
  }

  board.querySelectorAll(".board-card").forEach(function (card) {
    if (!card.querySelector("[data-pitch-move]")) return; // closed pitches don't move
    card.setAttribute("draggable", "true");
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-pitch"));
      columns().forEach(function (column) {
        var status = column.getAttribute("data-status");
        column.classList.add(allowed(card, status) ? "drop-ok" : "drop-no");
      });
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      dragged = null;
      clearMarks();
    });
  });

  columns().forEach(function (column) {
    var status = column.getAttribute("data-status");
    column.addEventListener("dragover", function (event) {
      if (dragged && allowed(dragged, status)) event.preventDefault();
    });
    column.addEventListener("drop", function (event) {
      if (!dragged || !allowed(dragged, status)) return;
      event.preventDefault();
      var form = dragged.querySelector("[data-pitch-move]");
      form.querySelector("select[name=status]").value = status;
      // The redirect back to the board keeps this fragment, so the page opens at the
      // column the card went to instead of where it left.
      form.action = form.action.split("#")[0] + "#column-" + status;
      clearMarks();
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
  });
})();
