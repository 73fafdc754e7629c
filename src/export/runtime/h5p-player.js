/* Trellis H5P player page: plays one H5P package with the bundled h5p-standalone player and
 * passes the content's own results to the lesson page that frames it.
 *
 * Only top-level `answered` and `completed` xAPI statements are passed on (a statement whose
 * context names a parent belongs to a part of compound content), as the message documented in
 * docs/export.md ("Interactive content"):
 *   { type: "trellis:result", verb: "answered"|"completed",
 *     score: { scaled, raw, min, max }, success: true|false|undefined, response: "…" }
 * The page loads nothing from outside the package and talks to nothing but its parent frame. It
 * runs sandboxed (an opaque origin): the JSON files the player reads come from the page itself. */
(function () {
  "use strict";

  var holder = document.getElementById("trellis-h5p");
  var config = {};
  try {
    config = JSON.parse(document.getElementById("trellis-interactive").textContent || "{}");
  } catch (e) {
    config = {};
  }

  function number(x) {
    return typeof x === "number" && isFinite(x) ? x : undefined;
  }

  function forward(event) {
    var st = event && event.data && event.data.statement;
    if (!st || !st.verb || typeof st.verb.id !== "string") return;
    var verb = st.verb.id.split("/").pop();
    if (verb !== "answered" && verb !== "completed") return;
    var ctx = st.context && st.context.contextActivities;
    if (ctx && ctx.parent && ctx.parent.length) return;
    var result = st.result || {};
    var score = result.score || {};
    var message = {
      type: "trellis:result",
      verb: verb,
      score: { scaled: number(score.scaled), raw: number(score.raw), min: number(score.min), max: number(score.max) },
      success: typeof result.success === "boolean" ? result.success : undefined,
      response: typeof result.response === "string" ? result.response.slice(0, 4000) : undefined,
    };
    if (window.parent && window.parent !== window) window.parent.postMessage(message, "*");
  }

  /* The framing page sizes the frame to the content ({ type: "trellis:resize", height }). */
  function reportHeight() {
    if (window.parent && window.parent !== window) {
      window.parent.postMessage({ type: "trellis:resize", height: document.documentElement.scrollHeight }, "*");
    }
  }
  if (typeof ResizeObserver === "function") new ResizeObserver(reportHeight).observe(document.documentElement);

  function failed(e) {
    if (window.console) console.error("The H5P content could not be started:", e && e.message ? e.message : e);
    holder.textContent = "This interactive content could not be started.";
  }

  /* The page runs in a frame sandboxed without allow-same-origin (an opaque origin), where a
   * fetch of the package's own files is a cross-origin request the server does not allow. The
   * JSON files the player reads are written into the page (config.files, by path relative to the
   * page); requests for exactly those addresses are answered from there, any other request goes
   * to the browser's fetch unchanged. */
  var embedded = {};
  var files = config.files && typeof config.files === "object" ? config.files : {};
  for (var path in files) {
    if (Object.prototype.hasOwnProperty.call(files, path) && typeof files[path] === "string") {
      try {
        embedded[new URL(path, document.baseURI).href] = files[path];
      } catch (e) {
        /* an address that cannot be resolved is never asked for */
      }
    }
  }
  var browserFetch = typeof window.fetch === "function" ? window.fetch.bind(window) : null;
  window.fetch = function (input, init) {
    var address = typeof input === "string" ? input : input && input.url;
    var key = null;
    try {
      key = new URL(String(address), document.baseURI).href;
    } catch (e) {
      key = null;
    }
    if (key !== null && Object.prototype.hasOwnProperty.call(embedded, key)) {
      return Promise.resolve(new Response(embedded[key], { status: 200, headers: { "content-type": "application/json" } }));
    }
    if (!browserFetch) return Promise.reject(new TypeError("fetch is not available"));
    return browserFetch(input, init);
  };

  /* A sandboxed page has no storage: reading localStorage or sessionStorage throws, and the
   * player reads them. Each is replaced by a store in memory that lasts as long as the page. */
  function memoryStorage() {
    var data = {};
    return {
      getItem: function (k) {
        return Object.prototype.hasOwnProperty.call(data, k) ? data[k] : null;
      },
      setItem: function (k, v) {
        data[k] = String(v);
      },
      removeItem: function (k) {
        delete data[k];
      },
      clear: function () {
        data = {};
      },
      key: function (i) {
        return Object.keys(data)[i] || null;
      },
      get length() {
        return Object.keys(data).length;
      },
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      if (window[name]) return;
    } catch (e) {
      /* sandboxed: no storage */
    }
    try {
      Object.defineProperty(window, name, { configurable: true, value: memoryStorage() });
    } catch (e) {
      /* left as the browser made it */
    }
  });

  if (!holder || !window.H5PStandalone || !config.h5pJsonPath) {
    if (holder) failed();
    return;
  }
  try {
    new window.H5PStandalone.H5P(holder, {
      h5pJsonPath: config.h5pJsonPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      // Drawn in this page, not in a frame of its own: a frame created inside a sandboxed page
      // gets an origin of its own that the player could not write into.
      embedType: "div",
      frame: false,
      copyright: false,
      export: false,
      embed: false,
      icon: false,
      fullScreen: false,
    }).then(function () {
      window.H5P.externalDispatcher.on("xAPI", forward);
      document.documentElement.setAttribute("data-trellis-h5p", "ready");
    }, failed);
  } catch (e) {
    failed();
  }
})();
