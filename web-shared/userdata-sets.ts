// Adding, removing and attaching the user's own data sets: the same steps
// for the extension's background and the offline page. The engine (WASM)
// parses and checks a file; only a set the engine accepted is stored, and
// a refused file or a failed attach leaves what was stored and attached as
// it was. `extra` are sets that come first and are never stored here (an
// organisation's packaged data, dist/data/).

import type { UserDataSummary } from "../types/extra-api";
import { deleteDerived, deleteSet, getDerived, isTaken, listSets, nextId, putDerived, putSet, type StoredSet } from "./userdata-store";

/** The engine calls these steps need (src/bindings.rs). */
export interface UserDataEngine {
  attachUserData?(sets: Uint8Array[], cptIndex?: Uint8Array | null): UserDataSummary[];
  cptIndex?(): Uint8Array | undefined;
  cptIndexState?(): "none" | "stored" | "built";
}
/** src/bindings.rs parseUserData: throws "file:line:column: what is wrong". */
export type ParseUserData = (kind: string, name: string, bytes: Uint8Array) => { summary: UserDataSummary; bytes: Uint8Array };

/** A stored set as lists show it (no bytes). */
export interface UserDataEntry { id: string; summary: UserDataSummary; /** what the user should know of this stored copy */ note?: string }
export interface UserDataResult { sets: UserDataEntry[]; added?: UserDataEntry; error?: string; /** what the user should know of the add (kept beside a same-name set) */ notice?: string }

const brief = (s: StoredSet): UserDataEntry => {
  const note = storedNote(s);
  return note ? { id: s.id, summary: s.summary, note } : { id: s.id, summary: s.summary };
};

/**
 * What lists say of a version 2 ICD-10-CM set (src/userdata/mod.rs STORED_TITLES_ONLY says
 * the same): it holds titles only, its file's inclusion terms were never stored, and searches
 * by them found nothing without the user being told.
 */
export const STORED_TITLES_ONLY =
  "stored by an older medcode: titles only, without the file's inclusion terms and includes notes; remove it and add the file again to search by them";

/** The stored form's format version: bytes 8..12, little-endian (src/userdata/mod.rs). */
function storedVersion(bytes: Uint8Array): number {
  return bytes.length >= 12 ? new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true) : 0;
}

export function storedNote(s: Pick<StoredSet, "summary" | "bytes">): string | undefined {
  return s.summary.kind === "icd10cm" && storedVersion(s.bytes) < 3 ? STORED_TITLES_ONLY : undefined;
}
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const NO_ENGINE = "this engine cannot take added data";

function attach(engine: UserDataEngine, extra: Uint8Array[], user: StoredSet[], cptIndex: Uint8Array | null = null): UserDataSummary[] {
  return engine.attachUserData!([...extra, ...user.map((s) => s.bytes)], cptIndex) ?? [];
}

/**
 * The refusal of a file holding the same data as a set already loaded (same kind and
 * content_key): re-adding a file stored a second, identical set without a word.
 * `keys` are the stored sets' keys where known (sets stored before keys existed: undefined).
 */
export function duplicateMessage(
  name: string, added: UserDataSummary, stored: StoredSet[], keys: (string | undefined)[], extra: UserDataSummary[] = [],
): string | null {
  const key = added.content_key;
  if (!key) return null;
  const i = stored.findIndex((s, n) => s.summary.kind === added.kind && (keys[n] ?? s.summary.content_key) === key);
  if (i >= 0) {
    const s = stored[i]!;
    return `${name}: already added as ${s.id} on ${s.summary.added} (from ${s.summary.source}): the same data, so nothing was added`;
  }
  if (extra.some((s) => s.kind === added.kind && s.content_key === key)) {
    return `${name}: this data is already loaded with this installation's own data (added by your organisation), so nothing was added`;
  }
  return null;
}

/** The note after adding a file of the same name as a stored set of other data: both are kept. */
export function sameNameNotice(added: UserDataSummary, stored: StoredSet[]): string | undefined {
  const same = stored.filter((s) => s.summary.kind === added.kind && s.summary.source === added.source).map((s) => s.id);
  return same.length
    ? `${same.join(", ")} came from a file of the same name with other data; both are kept — remove ${same[0]} if this file replaces it.`
    : undefined;
}

const CPT_INDEX = "cpt-index";

/**
 * Keeps the CPT search index the engine holds now beside the sets (or drops
 * the kept one when no CPT is attached), so the next start reads it instead
 * of building it. Best effort: the sets are what matter; a failure here only
 * costs the next start the build.
 */
async function keepCptIndex(engine: UserDataEngine): Promise<void> {
  if (typeof engine.cptIndexState !== "function" || typeof engine.cptIndex !== "function") return;
  try {
    const state = engine.cptIndexState();
    if (state === "none") await deleteDerived(CPT_INDEX);
    else if (state === "built") {
      const bytes = engine.cptIndex();
      if (bytes) await putDerived(CPT_INDEX, bytes);
    }
  } catch {
    // storage full or unavailable: the index is built again next start
  }
}

/**
 * Attaches `extra` and every stored set (the CPT index from its kept form
 * when it fits); returns how many stored sets. `onListed` hears, before the
 * attach, whether any stored set is an ICD-10-CM file (diagnosis searches
 * need to wait only then).
 */
export async function attachStored(
  engine: UserDataEngine, extra: Uint8Array[] = [], onListed?: (hasIcd10cm: boolean) => void,
): Promise<number> {
  if (typeof engine.attachUserData !== "function") return 0;
  const sets = await listSets();
  onListed?.(sets.some((s) => s.summary.kind === "icd10cm"));
  if (sets.length || extra.length) {
    const kept = await getDerived(CPT_INDEX).catch(() => null);
    attach(engine, extra, sets, kept);
    await keepCptIndex(engine);
  }
  return sets.length;
}

export async function listUserData(): Promise<UserDataResult> {
  return { sets: (await listSets()).map(brief) };
}

/**
 * Adds and removes run one at a time in this context: two at once each listed the sets,
 * attached its own list (the other's set missing from the engine) and chose the same id.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(step: () => Promise<T>): Promise<T> {
  const run = queue.then(step, step);
  queue = run.catch(() => undefined);
  return run;
}

/** Parses, checks and attaches a file, then stores it; nothing changes when any step fails. */
export function addUserData(
  engine: UserDataEngine, parse: ParseUserData, kind: string, name: string, bytes: Uint8Array, extra: Uint8Array[] = [],
): Promise<UserDataResult> {
  return oneAtATime(() => addNow(engine, parse, kind, name, bytes, extra));
}

async function addNow(
  engine: UserDataEngine, parse: ParseUserData, kind: string, name: string, bytes: Uint8Array, extra: Uint8Array[],
): Promise<UserDataResult> {
  let stored = await listSets();
  if (typeof engine.attachUserData !== "function") return { sets: stored.map(brief), error: NO_ENGINE };
  let parsed: ReturnType<ParseUserData>;
  try {
    parsed = parse(kind, name, bytes);
  } catch (e) {
    return { sets: stored.map(brief), error: message(e) };
  }
  // the same data again: refused before any work when the stored sets carry their keys
  const early = duplicateMessage(name, parsed.summary, stored, []);
  if (early) return { sets: stored.map(brief), error: early };
  const set: StoredSet = { id: nextId(parsed.summary.kind.replace("_", "-"), stored), summary: parsed.summary, bytes: parsed.bytes };
  const kept = await getDerived(CPT_INDEX).catch(() => null);
  let attached: UserDataSummary[];
  try {
    attached = attach(engine, extra, [...stored, set], kept);
  } catch (e) {
    attach(engine, extra, stored); // as it was
    return { sets: stored.map(brief), error: `${name}: ${message(e)}` };
  }
  // sets stored before keys existed, and the organisation's own data: keyed by the engine now
  const late = attached.length === extra.length + stored.length + 1
    ? duplicateMessage(name, parsed.summary, stored, attached.slice(extra.length).map((s) => s.content_key), attached.slice(0, extra.length))
    : null;
  if (late) {
    attach(engine, extra, stored, kept); // as it was
    return { sets: stored.map(brief), error: late };
  }
  // Another tab may have stored a set under this id since we listed: take the next free
  // one (a few tries), never replace what is stored.
  for (let tries = 0; ; tries++) {
    try {
      await putSet(set);
      break;
    } catch (e) {
      if (isTaken(e) && tries < 8) {
        stored = await listSets();
        set.id = nextId(set.id.replace(/-\d+$/, ""), stored);
        try {
          attach(engine, extra, [...stored, set], kept); // with what the other tab stored
        } catch {
          // attached as before; the next start attaches every stored set
        }
        continue;
      }
      attach(engine, extra, stored);
      return { sets: stored.map(brief), error: `${name}: could not be kept in this browser's storage (${message(e)})` };
    }
  }
  await keepCptIndex(engine);
  const notice = sameNameNotice(set.summary, stored);
  return { sets: [...stored, set].map(brief), added: brief(set), ...(notice ? { notice } : {}) };
}

/** Detaches and deletes one stored set. */
export function removeUserData(engine: UserDataEngine, id: string, extra: Uint8Array[] = []): Promise<UserDataResult> {
  return oneAtATime(() => removeNow(engine, id, extra));
}

async function removeNow(engine: UserDataEngine, id: string, extra: Uint8Array[]): Promise<UserDataResult> {
  const stored = await listSets();
  if (typeof engine.attachUserData !== "function") return { sets: stored.map(brief), error: NO_ENGINE };
  const rest = stored.filter((s) => s.id !== id);
  attach(engine, extra, rest, await getDerived(CPT_INDEX).catch(() => null));
  await deleteSet(id);
  await keepCptIndex(engine);
  return { sets: rest.map(brief) };
}

/**
 * The largest file of each kind the engine reads, in MB (src/userdata/mod.rs DataKind::cap;
 * a unit test keeps the two equal). Checked on the File's size before it is read: a 2 GB
 * file chosen by mistake was read whole into the page (and the extension's pending store)
 * before the engine refused it.
 */
export const USER_FILE_CAP_MB: Record<string, number> = { cpt: 32, "ncci-practitioner": 160, mue: 16, icd10cm: 64 };

/** The engine's words for a file over its kind's cap, or null when it fits (or the kind is unknown: the engine says so). */
export function oversizeMessage(kind: string, name: string, size: number): string | null {
  const cap = USER_FILE_CAP_MB[kind];
  if (cap === undefined || size <= cap * 1_048_576) return null;
  const what = { cpt: "CPT descriptor", "ncci-practitioner": "NCCI practitioner PTP", mue: "MUE table", icd10cm: "ICD-10-CM tabular XML" }[kind];
  return `${name}: the file is ${(size / 1_048_576).toFixed(1)} MB; the largest ${what} file medcode reads is ${cap} MB — check that this is the right file`;
}

/** "Label — 1,234 rows, 2026-01-01 to 2026-03-31": what a list shows of a set. */
export function describeSet(s: UserDataSummary): string {
  const dates = s.date_from ? (s.date_to && s.date_to !== s.date_from ? `, ${s.date_from} to ${s.date_to}` : `, from ${s.date_from}`) : "";
  return `${s.label} — ${s.rows.toLocaleString("en-US")} rows${dates}`;
}

/** The message after a set was added: kind, rows, source, dates. */
export function describeAdded(s: UserDataSummary): string {
  const dates = s.date_from ? `, effective ${s.date_from}${s.date_to && s.date_to !== s.date_from ? ` to ${s.date_to}` : ""}` : "";
  return `Added ${s.label}: ${s.rows.toLocaleString("en-US")} rows from ${s.source}${dates}.${s.kind === "cpt" ? " CPT descriptors are the AMA’s: for your licensed use only." : ""}`;
}
