// Runs the portal's service worker (the file named on the command line, as the server sends it) against fakes of
// the browser's caches and network, and prints what it stored and answered as JSON. Used by test_pwa.py.
"use strict";
const fs = require("fs");
const vm = require("vm");

const ORIGIN = "http://localhost";
const listeners = {};
const stores = { "puente-old": new Map([["/assets/portal/portal.css", "old css"]]), "other-app": new Map() };
let online = true;
const fetched = [];

function response(path) { return { path: path, body: "network " + path }; }

const caches = {
  open: async (name) => {
    if (!stores[name]) stores[name] = new Map();
    const store = stores[name];
    return {
      addAll: async (paths) => { for (const p of paths) { fetched.push(p); store.set(p, response(p)); } },
      match: async (key) => store.get(typeof key === "string" ? key : new URL(key.url).pathname),
      put: async (key, value) => store.set(typeof key === "string" ? key : new URL(key.url).pathname, value),
    };
  },
  keys: async () => Object.keys(stores),
  delete: async (name) => delete stores[name],
};

const self = {
  location: new URL(ORIGIN + "/sw.js"),
  addEventListener: (type, fn) => { listeners[type] = fn; },
  skipWaiting: async () => {},
  clients: { claim: async () => {} },
};

async function fetchFake(request) {
  const path = new URL(typeof request === "string" ? ORIGIN + request : request.url).pathname;
  fetched.push(path);
  if (!online) throw new TypeError("Failed to fetch");
  return response(path);
}

async function dispatch(type, request) {
  let answer = null;
  let waited = null;
  const event = {
    request: request,
    respondWith: (p) => { answer = p; },
    waitUntil: (p) => { waited = p; },
  };
  listeners[type](event);
  if (waited) await waited;
  return answer ? await answer : null;
}

function request(path, mode, method) {
  return { url: ORIGIN + path, mode: mode || "no-cors", method: method || "GET" };
}

(async () => {
  const source = fs.readFileSync(process.argv[2], "utf8");
  vm.runInNewContext(source, { self, caches, fetch: fetchFake, URL, Promise, console });
  const out = {};
  await dispatch("install");
  out.installed = fetched.splice(0);
  await dispatch("activate");
  out.caches = Object.keys(stores).sort();
  const current = out.caches.find((n) => n.startsWith("puente-"));
  out.page_online = await dispatch("fetch", request("/workspace/", "navigate"));
  out.stored_after_pages = [...stores[current].keys()].sort();
  out.asset = await dispatch("fetch", request("/assets/portal/portal.css"));
  out.asset_from_network = fetched.includes("/assets/portal/portal.css");
  online = false;
  fetched.splice(0);
  out.page_offline = await dispatch("fetch", request("/workspace/people/abc", "navigate"));
  out.unknown_offline = await dispatch("fetch", request("/workspace/export.csv"));
  out.post = await dispatch("fetch", request("/workspace/searches", "navigate", "POST"));
  out.other_origin = await dispatch("fetch", { url: "https://elsewhere.example/x.css", mode: "no-cors", method: "GET" });
  out.stored_at_end = [...stores[current].keys()].sort();
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
