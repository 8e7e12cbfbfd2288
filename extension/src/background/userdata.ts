// The user's own data in the background: the shared steps (web-shared/
// userdata-sets.ts) with this engine's parser, the organisation's packaged
// sets first, and the file's bytes taken from the pending store where the
// options page left them.

import { parseUserData } from "medcode-wasm";
import type { Engine } from "../shared/engine-api";
import type { Replies, UserDataRequest } from "../shared/protocol";
import { countSets, takePending } from "../../../web-shared/userdata-store";
import { addUserData, attachStored as attachAll, listUserData, removeUserData } from "../../../web-shared/userdata-sets";

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

/** How many sets the user stored (IndexedDB, none read): 0 lets a diagnosis search skip waiting for them. */
export { countSets as countStored };

/** Attaches every packaged and stored set; returns how many. `onListed`: see web-shared attachStored. */
export async function attachStored(engine: Engine, onListed?: (hasIcd10cm: boolean) => void): Promise<number> {
  if (typeof engine.attachUserData !== "function") {
    onListed?.(false);
    return 0;
  }
  const pkg = await packagedSets();
  return pkg.length + (await attachAll(engine, pkg, onListed));
}

export async function handleUserData(engine: Engine, msg: UserDataRequest): Promise<Replies["userData"]> {
  if (msg.op === "list") return listUserData();
  if (msg.op === "remove") return removeUserData(engine, msg.id, await packagedSets());
  const bytes = await takePending(msg.pending);
  if (!bytes) return { ...(await listUserData()), error: `${msg.name}: the file did not reach the engine; choose it again` };
  return addUserData(engine, parseUserData, msg.kind, msg.name, bytes, await packagedSets());
}
