/* Asystent's own script: a table that scrolls sideways on a small screen must be reachable with
   the keyboard (WCAG 2.1.1), so its wrapper takes the focus only while it actually scrolls, and
   is named after the table's caption or the section's heading for screen readers. */
(function () {
  "use strict";

  function nameOf(wrapper) {
    var caption = wrapper.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var section = wrapper.closest("section");
    var heading = section && section.querySelector("h2, h3");
    return heading ? heading.textContent.trim() : "";
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        if (!wrapper.hasAttribute("tabindex")) {
          wrapper.setAttribute("tabindex", "0");
          wrapper.dataset.scrollFocus = "1";
          var name = nameOf(wrapper);
          if (name && !wrapper.hasAttribute("aria-label")) {
            wrapper.setAttribute("role", "region");
            wrapper.setAttribute("aria-label", name);
          }
        }
      } else if (wrapper.dataset.scrollFocus) {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
        delete wrapper.dataset.scrollFocus;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
  document.addEventListener("htmx:afterSettle", update);
})();

/* A form sent back with errors: the summary at its top (templates/_form_errors.html) takes the
   focus, so a screen reader reads it first and each of its links leads to a field in error. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-form-errors]");
    if (summary) summary.focus();
  });
})();
