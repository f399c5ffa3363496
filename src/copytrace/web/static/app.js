// copytrace web viewer: small progressive enhancements; every page works without it.
// Loaded from /static (the Content-Security-Policy allows no inline script).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // "hide chrome": collapse the page text that is not the article itself.
  document.querySelectorAll("input.hide-chrome").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("chrome-hidden", box.checked);
      document.querySelectorAll("input.hide-chrome").forEach(function (other) {
        other.checked = box.checked;
      });
    });
  });

  // Side by side: hovering a passage lights up its counterpart; clicking scrolls to it.
  document.querySelectorAll(".sbs").forEach(function (sbs) {
    function partners(mark) {
      var ref = mark.getAttribute("data-ref");
      return Array.prototype.filter.call(sbs.querySelectorAll("mark[data-ref]"), function (m) {
        return m.getAttribute("data-ref") === ref;
      });
    }
    sbs.addEventListener("mouseover", function (ev) {
      var mark = ev.target.closest("mark[data-ref]");
      if (!mark) return;
      partners(mark).forEach(function (m) { m.classList.add("lit"); });
    });
    sbs.addEventListener("mouseout", function (ev) {
      var mark = ev.target.closest("mark[data-ref]");
      if (!mark) return;
      partners(mark).forEach(function (m) { m.classList.remove("lit"); });
    });
    sbs.addEventListener("click", function (ev) {
      var mark = ev.target.closest("mark[data-ref]");
      if (!mark) return;
      var col = mark.closest(".col");
      var other = partners(mark).filter(function (m) { return m.closest(".col") !== col; });
      if (other.length) {
        other[0].scrollIntoView({ block: "center", behavior: "smooth" });
      }
    });
  });
});
