// A local web server for the runtime tests: serves unpacked packages, the LMS launcher with
// scorm-again, records SCORM commits, and lets a test add its own routes (the cmi5 LRS).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// scorm-again exports only its bundles; its `require` entry is dist/scorm-again.js.
const scormAgainDist = dirname(require.resolve("scorm-again"));
const lmsDir = join(here, "..", "lms");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

async function sendFile(res, root, rel) {
  const file = normalize(join(root, rel));
  if (!file.startsWith(normalize(root) + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a file");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${rel}`);
  }
}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Starts the server on 127.0.0.1 (a free port). */
export async function startServer() {
  const packages = new Map(); // name -> directory
  const commits = new Map(); // run -> [payload]
  const routes = []; // [{ prefix, handler }]
  const log = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    log.push(`${req.method} ${url.pathname}`);
    try {
      for (const r of routes) {
        if (url.pathname.startsWith(r.prefix)) return await r.handler(req, res, url);
      }
      if (url.pathname.startsWith("/pkg/")) {
        const [, , name, ...rest] = url.pathname.split("/");
        const root = packages.get(name);
        if (!root) return res.writeHead(404).end();
        return await sendFile(res, root, decodeURIComponent(rest.join("/")));
      }
      if (url.pathname.startsWith("/__lms/scorm-again/")) {
        return await sendFile(res, scormAgainDist, url.pathname.slice("/__lms/scorm-again/".length));
      }
      if (url.pathname === "/__lms/commit" && req.method === "POST") {
        const run = url.searchParams.get("run") || "";
        const body = await readBody(req);
        if (!commits.has(run)) commits.set(run, []);
        commits.get(run).push(JSON.parse(body || "{}"));
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ result: true, errorCode: 0 }));
      }
      if (url.pathname === "/__lms/sequencing.js") {
        return await sendFile(res, here, "sequencing.js");
      }
      if (url.pathname.startsWith("/__lms/")) {
        return await sendFile(res, lmsDir, url.pathname.slice("/__lms/".length));
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(e && e.stack));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    commits,
    log,
    addPackage(name, dir) {
      packages.set(name, dir);
      return `http://127.0.0.1:${port}/pkg/${name}/`;
    },
    route(prefix, handler) {
      routes.push({ prefix, handler });
    },
    close() {
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
