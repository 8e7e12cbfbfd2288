// The user's own data in the background: the engine (WASM) parses and
// checks a chosen file, the checked set is kept in IndexedDB, and every
// stored set is attached to the engine at load and after each change.
// A refused file changes nothing: it is checked before anything is stored.

import { parseUserData } from "medcode-wasm";
import type { Engine } from "../shared/engine-api";
import type { Replies, StoredUserData, UserDataRequest } from "../shared/protocol";
import { deleteSet, listSets, nextId, putSet, takePending, type StoredSet } from "../shared/userdata-store";

const brief = (s: StoredSet): StoredUserData => ({ id: s.id, summary: s.summary });
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let packagedBase = "";
let packaged: Promise<Uint8Array[]> | null = null;

/** Where an organisation's build put its own data (`data/index.json` beside the index). */
export function usePackagedData(indexUrl: string): void {
  packagedBase = new URL("data/", indexUrl).href;
}

/** Sets packaged by ./build.sh --cpt-file/--mue (none in a default build). */
function packagedSets(): Promise<Uint8Array[]> {
  if (!packagedBase) return Promise.resolve([]);
  packaged ??= fetch(packagedBase + "index.json")
    .then((r) => (r.ok ? (r.json() as Promise<string[]>) : []))
    .then((names) => Promise.all(names.map((n) => fetch(packagedBase + n).then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b)))))
    .catch(() => []);
  return packaged;
}

/** Packaged sets first, then the user's. */
async function attach(engine: Engine, user: StoredSet[]): Promise<void> {
  engine.attachUserData!([...(await packagedSets()), ...user.map((s) => s.bytes)]);
}

/** Attaches every packaged and stored set; returns how many. */
export async function attachStored(engine: Engine): Promise<number> {
  if (typeof engine.attachUserData !== "function") return 0;
  const [sets, pkg] = await Promise.all([listSets(), packagedSets()]);
  if (sets.length || pkg.length) await attach(engine, sets);
  return sets.length + pkg.length;
}

export async function handleUserData(engine: Engine, msg: UserDataRequest): Promise<Replies["userData"]> {
  const stored = await listSets();
  if (msg.op === "list") return { sets: stored.map(brief) };
  if (typeof engine.attachUserData !== "function") return { sets: stored.map(brief), error: "this engine cannot take added data" };
  if (msg.op === "remove") {
    const rest = stored.filter((s) => s.id !== msg.id);
    await attach(engine, rest);
    await deleteSet(msg.id);
    return { sets: rest.map(brief) };
  }
  const bytes = await takePending(msg.pending);
  if (!bytes) return { sets: stored.map(brief), error: `${msg.name}: the file did not reach the engine; choose it again` };
  let parsed: { summary: StoredSet["summary"]; bytes: Uint8Array };
  try {
    parsed = parseUserData(msg.kind, msg.name, bytes);
  } catch (e) {
    return { sets: stored.map(brief), error: message(e) };
  }
  const set: StoredSet = { id: nextId(parsed.summary.kind.replace("_", "-"), stored), summary: parsed.summary, bytes: parsed.bytes };
  try {
    await attach(engine, [...stored, set]);
  } catch (e) {
    await attach(engine, stored); // as it was
    return { sets: stored.map(brief), error: `${msg.name}: ${message(e)}` };
  }
  await putSet(set);
  return { sets: [...stored, set].map(brief), added: brief(set) };
}
