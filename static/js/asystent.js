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
   focus, so a screen reader reads it first, and each of its links puts the focus in its field
   (as GOV.UK's error summary does): a folded section around the field opens, and the field's
   label or legend is scrolled into view with it. */
(function () {
  "use strict";

  function labelOf(field) {
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    if (field.type === "radio" || field.type === "checkbox") return legend || field;
    var label = field.id && document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    return label || legend || field;
  }

  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    var field = target.matches("input, select, textarea, button")
      ? target : target.querySelector("input:not([type=hidden]), select, textarea");
    if (!field) return false;
    for (var details = field.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
    labelOf(field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-form-errors]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(decodeURIComponent(link.getAttribute("href").slice(1)))) {
        event.preventDefault();
      }
    });
  });
})();

/* The warning before the idle limit (templates/base.html, #session-warning): on a page with a
   form, SESSION_WARNING_SECONDS before the session ends an alert dialog offers to stay logged in;
   the button renews the session with a POST (asystent.views.session_keepalive) and the countdown
   starts again from what the server answers. When the time is up the dialog says so: a form sent
   then is kept on the server and given back after logging in. */
(function () {
  "use strict";
  var timer = null;
  var returnFocus = null;

  function form() {
    return document.querySelector("main form[method=post], main form[method=POST]");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function announce(text) {
    var live = document.getElementById("session-announcer");
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function show(dialog) {
    if (!dialog.hidden) return;
    returnFocus = document.activeElement;
    dialog.hidden = false;
    announce(dialog.querySelector("#session-warning-title").textContent);
    dialog.querySelector("[data-session-keepalive]").focus();
  }

  function hide(dialog) {
    dialog.hidden = true;
    if (returnFocus && document.body.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  }

  function expired(dialog) {
    var title = dialog.querySelector("#session-warning-title");
    var text = dialog.querySelector("#session-warning-text");
    title.textContent = title.dataset.expiredText;
    text.textContent = text.dataset.expiredText;
    dialog.querySelector("[data-session-keepalive]").hidden = true;
    show(dialog);
    announce(title.textContent + ". " + text.textContent);
  }

  function schedule(dialog, remaining) {
    var warnBefore = parseInt(dialog.dataset.warnBefore, 10) || 120;
    window.clearTimeout(timer);
    if (remaining <= 0) {
      expired(dialog);
      return;
    }
    if (remaining <= warnBefore) {
      show(dialog);
      timer = window.setTimeout(function () { expired(dialog); }, remaining * 1000);
      return;
    }
    timer = window.setTimeout(function () { schedule(dialog, warnBefore); }, (remaining - warnBefore) * 1000);
  }

  function renew(dialog) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    fetch(dialog.dataset.keepaliveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      redirect: "manual"
    }).then(function (response) {
      if (!response.ok) throw new Error("session ended");
      return response.json();
    }).then(function (data) {
      hide(dialog);
      schedule(dialog, data.remaining);
    }).catch(function () { expired(dialog); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("session-warning");
    if (!dialog || !form()) return;
    dialog.querySelector("[data-session-keepalive]").addEventListener("click", function () { renew(dialog); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !dialog.hidden) hide(dialog);
    });
    schedule(dialog, parseInt(dialog.dataset.remaining, 10));
  });
})();

/* A form kept on the server because it was sent after the session had ended comes back after
   logging in (asystent.drafts): the page carries the typed fields in #restored-draft, and they are
   put back into the form they were sent from. Nothing is sent until the person sends it. */
(function () {
  "use strict";

  function target(action) {
    var forms = Array.prototype.slice.call(document.querySelectorAll("main form"));
    var sameAction = forms.filter(function (candidate) {
      var address = candidate.getAttribute("action");
      var path = address ? new URL(address, window.location.href).pathname : window.location.pathname;
      return path === action;
    });
    return sameAction[0] || forms.filter(function (candidate) {
      return (candidate.method || "").toLowerCase() === "post";
    })[0];
  }

  function fill(form, fields) {
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      var elements = Array.prototype.filter.call(form.elements, function (element) {
        return element.name === name && element.type !== "file" && element.type !== "submit"
          && element.type !== "button";
      });
      var index = 0;
      elements.forEach(function (element) {
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = values.indexOf(element.value) !== -1;
        } else if (element.tagName === "SELECT" && element.multiple) {
          Array.prototype.forEach.call(element.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else if (index < values.length) {
          element.value = values[index];
          index += 1;
        }
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("restored-draft");
    if (!source) return;
    var draft = JSON.parse(source.textContent);
    var form = target(draft.action);
    if (form) fill(form, draft.fields || {});
  });
})();
