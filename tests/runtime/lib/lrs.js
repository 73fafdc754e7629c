// A minimal cmi5 LMS/LRS for the tests, on its own origin (like a real LMS next to a content
// server): the single-use fetch URL that hands out the auth token, the xAPI State API (the LMS
// writes LMS.LaunchData; the AU may keep its own documents) and the Statements API. Every request
// is checked for the token and the xAPI version header and recorded. Reporting tools read the
// statements back with `GET /xapi/statements` (HTTP Basic authentication with an LRS account,
// the version header, the `since`/`until`/`activity` filters, pages of at most `pageSize`
// statements linked by `more`).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { readBody } from "./server.js";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "Authorization, Content-Type, X-Experience-API-Version",
  "access-control-allow-methods": "GET, POST, PUT, OPTIONS",
  "access-control-expose-headers": "X-Experience-API-Version",
};

/** The verb of a statement without the ADL prefix (`answered`, `terminated`). */
export const verbOf = (s) => s.verb.id.replace("http://adlnet.gov/expapi/verbs/", "");

export async function startLrs({ readers = {}, pageSize = 100 } = {}) {
  const sessions = new Map(); // fetch id -> { token, used, launchData, registration }
  const tokens = new Map(); // token -> session
  const state = new Map(); // key -> JSON text
  const statements = [];
  const problems = [];
  const requests = [];
  const pages = new Map(); // more token -> { rest of a query's statements, page size }
  let storedClock = 0;

  /** A reporting account (user:password of `readers`), for reading statements. */
  function reader(req) {
    const auth = req.headers.authorization || "";
    if (!auth.startsWith("Basic ")) return null;
    const [user, ...rest] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
    return Object.prototype.hasOwnProperty.call(readers, user) && readers[user] === rest.join(":") ? user : null;
  }

  /** Activity ids a statement names: its object and, with related_activities, its context. */
  function names(s, id, related) {
    if (s.object && s.object.id === id) return true;
    if (!related) return false;
    const groups = (s.context && s.context.contextActivities) || {};
    return Object.values(groups).some((list) => [].concat(list).some((a) => a && a.id === id));
  }

  /** One StatementResult of at most `size` statements; the rest waits behind a `more` link. */
  function page(list, size) {
    const head = list.slice(0, size);
    let more = "";
    if (list.length > size) {
      const token = randomUUID();
      pages.set(token, { rest: list.slice(size), size });
      more = `/xapi/statements?more=${token}`;
    }
    return { statements: head, more };
  }

  function reply(res, status, body, type = "application/json") {
    res.writeHead(status, { ...CORS, "content-type": type, "x-experience-api-version": "1.0.3" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  }

  function authorised(req) {
    const auth = req.headers.authorization || "";
    const token = auth.startsWith("Basic ") ? auth.slice(6) : null;
    if (!token || !tokens.has(token)) {
      problems.push(`${req.method} ${req.url}: missing or unknown auth token`);
      return null;
    }
    if (req.headers["x-experience-api-version"] !== "1.0.3") {
      problems.push(`${req.method} ${req.url}: X-Experience-API-Version is ${req.headers["x-experience-api-version"]}`);
    }
    return tokens.get(token);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method === "OPTIONS") return reply(res, 204, "");
    try {
      if (url.pathname.startsWith("/fetch/") && req.method === "POST") {
        const s = sessions.get(url.pathname.slice("/fetch/".length));
        if (!s) return reply(res, 404, { "error-code": "3", "error-text": "unknown launch" });
        if (s.used) return reply(res, 200, { "error-code": "1", "error-text": "already in use" });
        s.used = true;
        return reply(res, 200, { "auth-token": s.token });
      }
      if (url.pathname === "/xapi/activities/state") {
        const session = authorised(req);
        if (!session) return reply(res, 401, { error: "unauthorised" });
        const agent = url.searchParams.get("agent");
        const key = [url.searchParams.get("activityId"), agent, url.searchParams.get("registration"), url.searchParams.get("stateId")].join("|");
        if (req.method === "GET") {
          if (url.searchParams.get("stateId") === "LMS.LaunchData") {
            if (url.searchParams.get("registration") !== session.registration) problems.push("LaunchData read for another registration");
            if (url.searchParams.get("activityId") !== session.activityId) problems.push("LaunchData read for another activity");
            if (JSON.stringify(JSON.parse(agent)) !== JSON.stringify(session.actor)) problems.push("LaunchData read for another agent");
            return reply(res, 200, session.launchData);
          }
          return state.has(key) ? reply(res, 200, state.get(key)) : reply(res, 404, "");
        }
        if (req.method === "PUT" || req.method === "POST") {
          state.set(key, await readBody(req));
          return reply(res, 204, "");
        }
      }
      if (url.pathname === "/xapi/statements" && (req.method === "POST" || req.method === "PUT")) {
        const session = authorised(req);
        if (!session) return reply(res, 401, { error: "unauthorised" });
        const body = JSON.parse(await readBody(req));
        const list = Array.isArray(body) ? body : [body];
        for (const s of list) {
          // `stored` strictly increases, so `since` filters are exact even within one millisecond.
          const stored = new Date(Math.max(Date.now(), storedClock + 1));
          storedClock = stored.getTime();
          statements.push({ session: session.id, statement: { ...s, stored: stored.toISOString() } });
        }
        return reply(res, 200, list.map((s) => s.id));
      }
      if (url.pathname === "/xapi/statements" && req.method === "GET") {
        if (!reader(req)) {
          problems.push(`GET ${req.url}: not an LRS account`);
          return reply(res, 401, { error: "unauthorised" });
        }
        if (req.headers["x-experience-api-version"] !== "1.0.3") {
          return reply(res, 400, { error: `X-Experience-API-Version is ${req.headers["x-experience-api-version"]}` });
        }
        const more = url.searchParams.get("more");
        if (more) {
          const next = pages.get(more);
          if (!next) return reply(res, 404, { error: "unknown more token" });
          pages.delete(more);
          return reply(res, 200, page(next.rest, next.size));
        }
        const time = (name) => {
          const v = url.searchParams.get(name);
          if (v == null) return null;
          const t = Date.parse(v);
          if (Number.isNaN(t)) throw new Error(`${name} is not a timestamp: ${v}`);
          return t;
        };
        const since = time("since");
        const until = time("until");
        const activity = url.searchParams.get("activity");
        const related = url.searchParams.get("related_activities") === "true";
        // `limit` is the most statements per response (0: the LRS's own maximum).
        const limit = Number(url.searchParams.get("limit") || 0);
        const list = statements
          .map((x) => x.statement)
          .filter((s) => since == null || Date.parse(s.stored) > since)
          .filter((s) => until == null || Date.parse(s.stored) <= until)
          .filter((s) => activity == null || names(s, activity, related));
        return reply(res, 200, page(list, limit > 0 ? Math.min(limit, pageSize) : pageSize));
      }
      if (url.pathname === "/return") return reply(res, 200, "<!DOCTYPE html><title>LMS</title><p>Back in the LMS.</p>", "text/html");
      reply(res, 404, "");
    } catch (e) {
      problems.push(`${req.method} ${req.url}: ${e.message}`);
      reply(res, 500, String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;

  return {
    origin,
    statements,
    problems,
    requests,
    state,
    /**
     * Registers a launch the way an LMS does before opening an AU and returns the launch URL
     * query (endpoint, fetch, actor, registration, activityId) plus what the test needs.
     */
    launch({ au, registration = randomUUID(), launchMode = "Normal", actor }) {
      const id = randomUUID();
      const sessionId = randomUUID();
      const session = {
        id,
        token: Buffer.from(`${id}:${randomUUID()}`).toString("base64"),
        used: false,
        registration,
        activityId: au.id,
        actor,
        sessionId,
        launchData: {
          contextTemplate: {
            contextActivities: { grouping: [{ id: au.id }] },
            extensions: { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": sessionId },
          },
          launchMode,
          moveOn: au.moveOn,
          ...(au.masteryScore != null ? { masteryScore: Number(au.masteryScore) } : {}),
          returnURL: `${origin}/return`,
        },
      };
      sessions.set(id, session);
      tokens.set(session.token, session);
      const query = new URLSearchParams({
        endpoint: `${origin}/xapi/`,
        fetch: `${origin}/fetch/${id}`,
        actor: JSON.stringify(actor),
        registration,
        activityId: au.id,
      });
      return { session, query: query.toString() };
    },
    ofSession(id) {
      return statements.filter((s) => s.session === id).map((s) => s.statement);
    },
    /**
     * Waits until a statement of session `id` satisfies `found` (polling every 50 ms), then
     * answers the session's statements. `ms` only guards against a hang: after it the statements
     * are answered as they are, for the caller's assertions to say what is missing.
     */
    async until(id, found, ms = 60000) {
      const deadline = Date.now() + ms;
      while (!this.ofSession(id).some(found) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return this.ofSession(id);
    },
    close() {
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
