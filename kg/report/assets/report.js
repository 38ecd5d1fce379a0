/* kg report: optional enhancements. Every page works without this script.
   - co-author network: hovering or focusing a person highlights their links;
   - list pages: a filter box hides table rows that do not match;
   - BibTeX blocks: a copy button (hidden without this script) copies the entry through the
     Clipboard API, or else selects it for Ctrl+C; it sets data-state="copied" or "selected";
   - every inline SVG gets data-rendered="WxH" (its drawn size), which the browser test reads. */
(function () {
  "use strict";

  function wireNetwork(svg) {
    var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
    function clear() {
      svg.classList.remove("focus");
      edges.concat(nodes).forEach(function (el) { el.classList.remove("hl"); });
    }
    function focus(id) {
      clear();
      svg.classList.add("focus");
      var near = {};
      near[id] = true;
      edges.forEach(function (edge) {
        var a = edge.getAttribute("data-a"), b = edge.getAttribute("data-b");
        if (a === id || b === id) {
          edge.classList.add("hl");
          near[a] = true;
          near[b] = true;
        }
      });
      nodes.forEach(function (node) {
        if (near[node.getAttribute("data-node")]) { node.classList.add("hl"); }
      });
    }
    nodes.forEach(function (node) {
      var id = node.getAttribute("data-node");
      node.addEventListener("mouseenter", function () { focus(id); });
      node.addEventListener("focusin", function () { focus(id); });
      node.addEventListener("mouseleave", clear);
      node.addEventListener("focusout", clear);
    });
  }

  function wireFilter(input) {
    var table = document.querySelector("table." + input.getAttribute("data-filter"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    input.parentNode.parentNode.hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      rows.forEach(function (row) {
        row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) < 0;
      });
    });
  }

  function wireCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var status = button.parentNode.querySelector(".copy-status");
    function show(state, text) {
      button.setAttribute("data-state", state);
      if (status) { status.textContent = text; }
    }
    function select() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (ignored) { copied = false; }
      if (copied) {
        show("copied", "Copied.");
      } else {
        show("selected", "Selected: press Ctrl+C (\u2318C) to copy.");
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var clipboard = window.isSecureContext && navigator.clipboard;
      if (!clipboard || !clipboard.writeText) { select(); return; }
      clipboard.writeText(source.textContent).then(function () {
        show("copied", "Copied.");
      }, select);
    });
  }

  function measure(svg) {
    var box = svg.getBoundingClientRect();
    svg.setAttribute("data-rendered", Math.round(box.width) + "x" + Math.round(box.height));
  }

  Array.prototype.forEach.call(document.querySelectorAll("svg.network"), wireNetwork);
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), wireFilter);
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), wireCopy);
  Array.prototype.forEach.call(document.querySelectorAll("svg"), measure);
  document.documentElement.setAttribute("data-js", "ready");
}());
