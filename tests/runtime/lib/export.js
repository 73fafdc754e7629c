// Exports curriculum documents with the real `trellis` CLI and unpacks the packages.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipTo } from "./zip.js";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const TRELLIS = process.env.TRELLIS_BIN || join(REPO, "target", "debug", "trellis");

/** Documents the runtime tests play: the example course and a fixture with every item type. */
export function documents() {
  if (process.env.TRELLIS_DOCS) return process.env.TRELLIS_DOCS.split(",").map((p) => resolve(REPO, p));
  return [join(REPO, "examples", "intro-statistics.json"), join(REPO, "tests", "runtime", "fixtures", "scorm-sample.json")].filter(
    (p) => existsSync(p),
  );
}

const work = mkdtempSync(join(tmpdir(), "trellis-runtime-"));

/** Exports `doc` as `format` (scorm2004, scorm12, cmi5) and returns the unpacked directory. */
export function exportPackage(doc, format, extra = []) {
  if (!existsSync(TRELLIS)) throw new Error(`${TRELLIS} does not exist; run cargo build --bin trellis first`);
  const name = `${basename(doc, ".json")}-${format}${extra.length ? "-" + extra.join("-").replace(/[^a-z0-9]+/gi, "") : ""}`;
  const zip = join(work, `${name}.zip`);
  execFileSync(TRELLIS, ["export", doc, "--format", format, "-o", zip, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  unzipTo(zip, dir);
  return { name, dir, zip };
}
