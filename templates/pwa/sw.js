/* Asystent's service worker (api/pwa.py serves it from /sw.js). It keeps only the static
   files and the shell of the offline visit form; the shell holds no family's data (the case list
   comes encrypted from IndexedDB, static/js/offline.js). Every other request is left alone (it
   goes to the network and is never stored): no page of a family's file is cached. */
"use strict";

var CACHE = "asystent-shell-{{ version }}";
var SHELL = {{ shell|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var PRECACHE = {{ precache|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(PRECACHE.concat([new Request(SHELL, { credentials: "same-origin", redirect: "error" })]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* The page asks for a wipe (logout, another user, 72 hours without a login). */
self.addEventListener("message", function (event) {
  if (event.data === "wipe") {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    }));
  }
});

function shellResponse(request) {
  /* The shell from the network when there is one (it is kept only when it is the shell itself,
     not the login page a redirect led to), else the kept one. */
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && new URL(response.url).pathname === SHELL) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(SHELL, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(SHELL).then(function (kept) {
      return kept || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SHELL) {
    event.respondWith(shellResponse(request));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0 && PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (kept) { return kept || fetch(request); }));
    return;
  }
  /* Anything else is not touched: it goes to the network as if there were no worker. */
});
