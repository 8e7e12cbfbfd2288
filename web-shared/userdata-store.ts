// The user's own data in IndexedDB, in the extension's origin or the
// offline page's (this file is shared by extension/ and www/): never sent
// anywhere, never synced. Three stores:
//   sets    {id, summary, bytes}  parsed and checked data sets (src/userdata)
//   pending {id, bytes}           a chosen file on its way to the engine
//   derived {id, format, bytes}   what the engine built from the sets, kept so a
//                                 start need not build it again. One record now:
//                                 id "cpt-index", format 1, bytes = the engine's
//                                 cptIndex() (its own versioned frame: src/userdata/cpt.rs)

import type { UserDataSummary } from "../types/extra-api";

const DB = "medcode-user-data";
// 2 added the "derived" store; version 1 databases are upgraded in place.
const VERSION = 2;

export interface StoredSet { id: string; summary: UserDataSummary; bytes: Uint8Array }

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("sets")) db.createObjectStore("sets", { keyPath: "id" });
      if (!db.objectStoreNames.contains("pending")) db.createObjectStore("pending", { keyPath: "id" });
      if (!db.objectStoreNames.contains("derived")) db.createObjectStore("derived", { keyPath: "id" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB unavailable"));
  });
}

async function run<T>(store: string, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = fn(tx.objectStore(store));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  } finally {
    db.close();
  }
}

/** How many sets are stored, without reading them: a start with none need not wait for the list. */
export async function countSets(): Promise<number> {
  return (await run<number>("sets", "readonly", (s) => s.count())) ?? 0;
}

export async function listSets(): Promise<StoredSet[]> {
  const all = (await run<StoredSet[]>("sets", "readonly", (s) => s.getAll() as IDBRequest<StoredSet[]>)) ?? [];
  return all.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}
/**
 * Stores a new set under its id; refuses (a ConstraintError) when a set has that id already:
 * two adds at once (two tabs, a double submit) both chose the next free id, and `put` let
 * the second replace the first, the user's stored set lost without a word.
 */
export async function putSet(set: StoredSet): Promise<void> {
  const db = await open();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction("sets", "readwrite");
      const req = tx.objectStore("sets").add(set);
      let failed: unknown = null;
      // the request's own error: the transaction's may not be set yet when its error event fires
      req.onerror = () => { failed = req.error; };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(failed ?? tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(failed ?? tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  } finally {
    db.close();
  }
}
/** Whether `e` is IndexedDB's refusal of a key already stored. */
export const isTaken = (e: unknown): boolean => (e as { name?: string } | null)?.name === "ConstraintError";
export async function deleteSet(id: string): Promise<void> {
  await run("sets", "readwrite", (s) => { s.delete(id); });
}
export async function putPending(bytes: Uint8Array): Promise<string> {
  const id = `p${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await run("pending", "readwrite", (s) => { s.put({ id, bytes }); });
  return id;
}
export async function takePending(id: string): Promise<Uint8Array | null> {
  const rec = await run<{ bytes: Uint8Array } | undefined>("pending", "readonly", (s) => s.get(id) as IDBRequest<{ bytes: Uint8Array } | undefined>);
  await run("pending", "readwrite", (s) => { s.delete(id); });
  return rec ? rec.bytes : null;
}
/** A new id for a set of `kind`: kind-N, N one more than any stored. */
export function nextId(kind: string, existing: StoredSet[]): string {
  const n = existing.map((s) => s.id.match(new RegExp(`^${kind}-(\\d+)$`))?.[1]).filter(Boolean).map(Number);
  return `${kind}-${(n.length ? Math.max(...n) : 0) + 1}`;
}

/** The record format of the "derived" store (see the top of this file). */
export const DERIVED_FORMAT = 1;
interface DerivedRecord { id: string; format: number; bytes: Uint8Array }

/** A derived record's bytes, or null when there is none or it is of another format. */
export async function getDerived(id: string): Promise<Uint8Array | null> {
  const rec = await run<DerivedRecord | undefined>("derived", "readonly", (s) => s.get(id) as IDBRequest<DerivedRecord | undefined>);
  return rec && rec.format === DERIVED_FORMAT && rec.bytes instanceof Uint8Array ? rec.bytes : null;
}
export async function putDerived(id: string, bytes: Uint8Array): Promise<void> {
  await run("derived", "readwrite", (s) => { s.put({ id, format: DERIVED_FORMAT, bytes }); });
}
export async function deleteDerived(id: string): Promise<void> {
  await run("derived", "readwrite", (s) => { s.delete(id); });
}
