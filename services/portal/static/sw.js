// Puente's service worker: it keeps the stylesheets, the script, the icons and a page saying the connection is
// lost, nothing else. Pages are always fetched from the server: they hold people's data, which must never stay
// on a shared desk's computer or a phone. The server fills in the version, the asset list and the offline page.
"use strict";
var CACHE = "puente-__VERSION__";
var ASSETS = "__ASSETS__";
var OFFLINE = "__OFFLINE__";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS.concat([OFFLINE]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("puente-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Never stored; when the network fails, the offline page answers instead of the browser's error.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE); });
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    // The look of the pages from the cache at once (a slow connection does not wait for it).
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
    }));
  }
});
