/* Visits recorded without a connection (templates/api/offline.html, api/offline.py).

   What the phone keeps lives in one IndexedDB database, "asystent-offline":
   - meta: the AES-GCM key (a non-extractable CryptoKey made by Web Crypto: no script, this one
     included, can read its bytes), the id of the user it belongs to and when they last logged in;
   - cases: the assistant's own open cases (number, family's name, members' first names), encrypted;
   - drafts: the visits waiting to be sent, each encrypted, keyed by its Idempotency-Key.
   Each record is encrypted with a fresh 96-bit IV and bound to its key (AES-GCM additional data).
   Everything is wiped at logout, when another user logs in and 72 hours after the last login.
   A visit is sent to the API once with its Idempotency-Key: sent twice, the server keeps one. */
(function () {
  "use strict";

  var DB_NAME = "asystent-offline";
  var WIPE_AFTER_MS = 72 * 60 * 60 * 1000;
  var body = document.body;
  var currentUser = body.dataset.offlineUser || "";
  var lastLogin = parseFloat(body.dataset.lastLogin || "0") * 1000;

  /* --- IndexedDB, as promises ------------------------------------------------------------ */

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function openDb() {
    var req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = function () {
      var db = req.result;
      db.createObjectStore("meta");
      db.createObjectStore("cases");
      db.createObjectStore("drafts", { keyPath: "id" });
    };
    return request(req).then(function (db) {
      db.onversionchange = function () { db.close(); };  // another tab wipes: let it
      return db;
    });
  }

  function store(db, name, mode) {
    return db.transaction(name, mode || "readonly").objectStore(name);
  }

  function get(db, name, key) { return request(store(db, name).get(key)); }
  function put(db, name, value, key) {
    return request(key === undefined ? store(db, name, "readwrite").put(value)
      : store(db, name, "readwrite").put(value, key));
  }
  function remove(db, name, key) { return request(store(db, name, "readwrite").delete(key)); }
  function all(db, name) { return request(store(db, name).getAll()); }

  function dbExists() {
    if (!indexedDB.databases) return Promise.resolve(true);
    return indexedDB.databases().then(function (list) {
      return list.some(function (info) { return info.name === DB_NAME; });
    });
  }

  /* Everything kept for offline use: the database, the service worker's cache, the worker. */
  function wipe(db) {
    if (db) db.close();
    var jobs = [request(indexedDB.deleteDatabase(DB_NAME)).catch(function () {})];
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }));
    }
    if (navigator.serviceWorker) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }));
    }
    return Promise.all(jobs);
  }

  /* --- AES-GCM ---------------------------------------------------------------------------- */

  function newKey() {
    return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }

  function encrypt(key, label, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(value));
    var aad = new TextEncoder().encode(label);
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: aad }, key, plain)
      .then(function (data) { return { iv: iv, data: data }; });
  }

  function decrypt(key, label, sealed) {
    var aad = new TextEncoder().encode(label);
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.iv, additionalData: aad }, key, sealed.data)
      .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  /* --- On every page: the wipes; on the offline form: the worker ----------------------------- */

  function staleFor(meta) {
    var user = meta.user;
    var login = meta.lastLogin || 0;
    if (currentUser && user && String(user) !== currentUser) return true;  // another user logged in
    return Date.now() - login > WIPE_AFTER_MS;
  }

  /* On every page, the login page too: another user's data, or 72 hours since the last login. */
  function checkKept() {
    return dbExists().then(function (exists) {
      if (!exists) return null;
      return openDb().then(function (db) {
        return get(db, "meta", "state").then(function (meta) {
          meta = meta || {};
          var login = Math.max(meta.lastLogin || 0, lastLogin || 0);
          if (staleFor({ user: meta.user, lastLogin: login })) return wipe(db);
          db.close();
          return null;
        });
      });
    });
  }

  /* How many visits wait on this phone to be sent (0 when nothing is kept). */
  function waitingCount() {
    return dbExists().then(function (exists) {
      if (!exists) return 0;
      return openDb().then(function (db) {
        return all(db, "drafts").then(function (drafts) { db.close(); return drafts.length; });
      });
    }).catch(function () { return 0; });
  }

  /* Logging out wipes the phone; visits not yet sent are wiped only when the person says so. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-logout]") || form.dataset.wiped) return;
    event.preventDefault();
    waitingCount().then(function (count) {
      if (count && !window.confirm(form.dataset.logoutWaiting.replace("{count}", count))) return null;
      return wipe(null).catch(function () {}).then(function () {
        form.dataset.wiped = "1";
        form.submit();
      });
    });
  });

  var ready = checkKept().catch(function () {});
  if (currentUser && body.dataset.offlineWorker && navigator.serviceWorker) {
    ready.then(function () {
      return navigator.serviceWorker.register(body.dataset.offlineWorker, { scope: "/" });
    }).catch(function () {});
  }

  /* --- The offline visit form ------------------------------------------------------------ */

  var app = document.getElementById("offline-app");
  if (!app) return;
  var text = app.dataset;
  var db = null;
  var key = null;
  var cases = [];
  var csrfToken = "";
  var sending = false;

  var banner = document.getElementById("offline-banner");
  var status = document.getElementById("offline-status");
  var form = document.getElementById("offline-visit-form");
  var select = document.getElementById("offline-case");
  var list = document.getElementById("pending-list");
  var empty = document.getElementById("pending-empty");
  var errors = document.getElementById("offline-errors");

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function showBanner() { banner.hidden = navigator.onLine; }

  function state() {
    return get(db, "meta", "state").then(function (meta) { return meta || {}; });
  }

  function setState(changes) {
    return state().then(function (meta) {
      Object.keys(changes).forEach(function (name) { meta[name] = changes[name]; });
      return put(db, "meta", meta, "state");
    });
  }

  function start() {
    return openDb().then(function (opened) {
      db = opened;
      return get(db, "meta", "key");
    }).then(function (kept) {
      if (kept) return kept;
      return newKey().then(function (made) { return put(db, "meta", made, "key").then(function () { return made; }); });
    }).then(function (made) {
      key = made;
      return state();
    }).then(function (meta) {
      var changes = {};
      if (!meta.user) changes.user = currentUser;
      if (lastLogin > (meta.lastLogin || 0)) changes.lastLogin = lastLogin;
      return setState(changes);
    });
  }

  function caseLabel(item) {
    return format(text.textCase, { "case": item.id }) + " — " + item.family
      + (item.members.length ? " (" + item.members.join(", ") + ")" : "");
  }

  function showCases() {
    var chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    cases.forEach(function (item) {
      var option = document.createElement("option");
      option.value = String(item.id);
      option.textContent = caseLabel(item);
      select.appendChild(option);
    });
    select.value = chosen;
    if (!cases.length && !navigator.onLine) say(text.textNoCases);
  }

  function loadCases() {
    return get(db, "cases", "list").then(function (sealed) {
      if (!sealed) return [];
      return decrypt(key, "cases", sealed);
    }).then(function (kept) { cases = kept; showCases(); });
  }

  /* Fresh from the server when online: the list, the CSRF token for sending, the last login. */
  function refresh() {
    if (!navigator.onLine) return Promise.resolve(false);
    return fetch(text.casesUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) return false;  // the login page: the session ended
        return response.json().then(function (data) {
          return state().then(function (meta) {
            if (meta.user && String(meta.user) !== String(data.user)) {
              return wipe(db).then(function () { window.location.reload(); return false; });
            }
            csrfToken = data.csrf_token;
            cases = data.cases;
            showCases();
            return encrypt(key, "cases", cases).then(function (sealed) {
              return put(db, "cases", sealed, "list");
            }).then(function () {
              return setState({ user: data.user, lastLogin: (data.last_login || 0) * 1000 });
            }).then(function () { return true; });
          });
        });
      }).catch(function () { return false; });
  }

  function drafts() {
    return all(db, "drafts").then(function (records) {
      return Promise.all(records.map(function (record) {
        return decrypt(key, record.id, record.sealed).then(function (visit) {
          return { id: record.id, created: record.created, visit: visit };
        });
      }));
    }).then(function (items) {
      return items.sort(function (a, b) { return a.created - b.created; });
    });
  }

  function saveDraft(id, created, visit) {
    return encrypt(key, id, visit).then(function (sealed) {
      return put(db, "drafts", { id: id, created: created, sealed: sealed });
    });
  }

  function render() {
    return drafts().then(function (items) {
      list.textContent = "";
      empty.hidden = items.length > 0;
      items.forEach(function (item) {
        var visit = item.visit;
        var li = document.createElement("li");
        li.className = "list-group-item";
        li.dataset.draft = item.id;
        var title = document.createElement("p");
        title.className = "fw-semibold mb-1";
        title.textContent = visit.label + " · " + visit.date + (visit.start_time ? " " + visit.start_time : "");
        li.appendChild(title);
        var what = document.createElement("p");
        what.className = "mb-1";
        if (visit.conflict) {
          what.className += " text-danger";
          what.textContent = visit.conflict;
          li.appendChild(what);
          var resend = document.createElement("button");
          resend.type = "button";
          resend.className = "btn btn-outline-primary btn-sm me-2";
          resend.textContent = text.textResend;
          resend.addEventListener("click", function () {
            delete visit.conflict;
            saveDraft(item.id, item.created, visit).then(render).then(send);
          });
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "btn btn-outline-danger btn-sm";
          discard.textContent = text.textDiscard;
          discard.addEventListener("click", function () {
            remove(db, "drafts", item.id).then(render).then(function () {
              say(text.textDiscarded);
              document.getElementById("pending-title").focus();
            });
          });
          li.appendChild(resend);
          li.appendChild(discard);
        } else {
          what.className += " text-body-secondary";
          what.textContent = text.textWaiting;
          li.appendChild(what);
        }
        list.appendChild(li);
      });
    });
  }

  function reasonOf(response) {
    if (response.status === 403 || response.status === 404) return Promise.resolve(text.textReassigned);
    return response.json().then(function (data) {
      var messages = [];
      Object.keys(data || {}).forEach(function (field) {
        [].concat(data[field]).forEach(function (message) { messages.push(String(message)); });
      });
      return messages.length ? text.textRejected + " " + messages.join(" ") : text.textRejected;
    }).catch(function () { return text.textRejected; });
  }

  function sendOne(item) {
    var visit = item.visit;
    var payload = { "case": visit["case"], date: visit.date, kind: visit.kind, topics: visit.topics, final: false };
    if (visit.place) payload.place = visit.place;
    if (visit.place_description) payload.place_description = visit.place_description;
    if (visit.start_time) payload.start_time = visit.start_time;
    if (visit.end_time) payload.end_time = visit.end_time;
    return fetch(text.sendUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken,
        "Idempotency-Key": item.id
      },
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (response.ok) {
        return remove(db, "drafts", item.id).then(function () {
          say(format(text.textSent, { "case": visit["case"] }));
          return true;
        });
      }
      if (response.status === 401) {
        say(text.textLogin);
        return false;  // stays waiting: sent after logging in again
      }
      return reasonOf(response).then(function (reason) {
        visit.conflict = reason;
        return saveDraft(item.id, item.created, visit).then(function () { return true; });
      });
    });
  }

  /* Send what is waiting, one at a time, never twice at once. */
  function send() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var ready = csrfToken ? Promise.resolve(true) : refresh();
    return ready.then(function (ok) {
      if (!ok) return null;
      return drafts().then(function (items) {
        var waiting = items.filter(function (item) { return !item.visit.conflict; });
        return waiting.reduce(function (chain, item) {
          return chain.then(function (goOn) { return goOn ? sendOne(item) : false; });
        }, Promise.resolve(true));
      });
    }).catch(function () {}).then(function () {
      sending = false;
      return render();
    });
  }

  function fieldError(field, message) {
    return { field: field, message: message };
  }

  function showErrors(problems) {
    var ul = errors.querySelector("ul");
    ul.textContent = "";
    form.querySelectorAll("[aria-invalid]").forEach(function (field) { field.removeAttribute("aria-invalid"); });
    errors.hidden = !problems.length;
    problems.forEach(function (problem) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + problem.field.id;
      link.textContent = problem.message;
      link.addEventListener("click", function (event) { event.preventDefault(); problem.field.focus(); });
      li.appendChild(link);
      ul.appendChild(li);
      problem.field.setAttribute("aria-invalid", "true");
    });
    if (problems.length) errors.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var problems = [];
    if (!data.get("case")) problems.push(fieldError(select, text.textNeedCase));
    if (!data.get("date")) problems.push(fieldError(document.getElementById("offline-date"), text.textNeedDate));
    if (data.get("place") === "other" && !String(data.get("place_description") || "").trim()) {
      problems.push(fieldError(document.getElementById("offline-place-description"), text.textNeedPlace));
    }
    if (!String(data.get("topics") || "").trim()) {
      problems.push(fieldError(document.getElementById("offline-topics"), text.textNeedTopics));
    }
    showErrors(problems);
    if (problems.length) return;
    var chosen = cases.filter(function (item) { return String(item.id) === data.get("case"); })[0];
    var visit = {
      "case": parseInt(data.get("case"), 10),
      label: chosen ? caseLabel(chosen) : data.get("case"),
      date: data.get("date"),
      start_time: data.get("start_time") || "",
      end_time: data.get("end_time") || "",
      kind: data.get("kind"),
      place: data.get("kind") === "phone" ? "" : data.get("place"),
      place_description: data.get("place_description") || "",
      topics: data.get("topics")
    };
    saveDraft(crypto.randomUUID(), Date.now(), visit).then(function () {
      form.reset();
      document.getElementById("offline-date").value = today();
      say(text.textSaved);
      return render();
    }).then(send);
  });

  function today() {
    var now = new Date();
    var local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 10);
  }

  window.addEventListener("online", function () {
    showBanner();
    refresh().then(send);
  });
  window.addEventListener("offline", showBanner);

  ready.then(start).then(function () {
    showBanner();
    document.getElementById("offline-date").value = today();
    return loadCases();
  }).then(render).then(function () {
    return refresh();
  }).then(function (ok) {
    return ok ? send() : null;
  }).then(function () {
    app.dataset.ready = "1";
  });
})();
