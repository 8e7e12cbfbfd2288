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

/** Attaches every stored set; returns how many. */
export async function attachStored(engine: Engine): Promise<number> {
  if (typeof engine.attachUserData !== "function") return 0;
  const sets = await listSets();
  if (sets.length) engine.attachUserData(sets.map((s) => s.bytes));
  return sets.length;
}

export async function handleUserData(engine: Engine, msg: UserDataRequest): Promise<Replies["userData"]> {
  const stored = await listSets();
  if (msg.op === "list") return { sets: stored.map(brief) };
  if (typeof engine.attachUserData !== "function") return { sets: stored.map(brief), error: "this engine cannot take added data" };
  if (msg.op === "remove") {
    const rest = stored.filter((s) => s.id !== msg.id);
    engine.attachUserData(rest.map((s) => s.bytes));
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
    engine.attachUserData([...stored.map((s) => s.bytes), set.bytes]);
  } catch (e) {
    engine.attachUserData(stored.map((s) => s.bytes)); // as it was
    return { sets: stored.map(brief), error: `${msg.name}: ${message(e)}` };
  }
  await putSet(set);
  return { sets: [...stored, set].map(brief), added: brief(set) };
}
