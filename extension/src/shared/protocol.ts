// The typed message protocol: one discriminated union per direction.
//   ToBackground: content scripts and extension pages -> background (engine)
//   ToContent:    background -> content scripts
// Every request to the background is answered with an Envelope of Replies[type].

import type {
  Claim, CodeRecord, FieldContext, FieldKind, Info, Issue, Report, SearchHit, StayReport, SystemFilter, UserDataSummary,
} from "./engine-api";
import type { PayerProfile } from "./settings";
import type { PcsBuilderStep } from "../../../web-shared/pcs-builder";

/** MS-DRG / HCC options of a search (its hits carry their chips) or a stay. */
export type HitOptions = { date?: string; version?: string; hcc_year?: number; hcc_model?: string };
/** A lookup's severity options: the record gains msdrg/hcc (and, with a principal, its exclusion). */
export type LookupSeverity = { date?: string; version?: string; hcc_year?: number; principal?: string };

export interface FieldCheck {
  kind: FieldKind;
  value: string;
  /** optional context for the validator (date of service, position, ...) */
  context?: FieldContext;
}

export type ToBackground =
  | { type: "ping" }
  | { type: "warm" }
  | { type: "info" }
  | { type: "search"; query: string; system: SystemFilter; limit: number; severity?: HitOptions }
  | { type: "lookup"; code: string; severity?: LookupSeverity }
  /** `died`: the patient died in the stay (alive-only CC/MCCs do not count) */
  | { type: "severity"; pdx: string; secondaries: string[]; options: HitOptions & { died?: boolean } }
  | { type: "validateFields"; fields: FieldCheck[]; today?: string }
  | { type: "validateClaim"; claim: Claim; profile: PayerProfile; today?: string }
  | { type: "sitesChanged" }
  /** the ICD-10-PCS builder: values valid after `prefix` on `date` (default: the data's horizon) */
  | { type: "pcsNext"; prefix: string; date?: string }
  | UserDataRequest;

/**
 * The user's own data (options page → background). A file's bytes travel
 * through IndexedDB (`pending`), not the message: files can be tens of MB.
 */
export type UserDataRequest =
  | { type: "userData"; op: "list" }
  | { type: "userData"; op: "add"; kind: string; name: string; pending: string }
  | { type: "userData"; op: "remove"; id: string };

export interface StoredUserData { id: string; summary: UserDataSummary; /** e.g. a v2 ICD-10-CM set holds titles only (web-shared storedNote) */ note?: string }

export interface EngineStatus {
  /** true when this request had to load the engine (worker was cold) */
  cold: boolean;
  /** milliseconds the last load took (wasm init + index fetch + engine) */
  loadMs: number;
  /** which validator APIs the loaded engine offers */
  validateField: boolean;
  validateClaim: boolean;
  /** NCCI procedure-to-procedure edits attached (ncci.ptp runs) */
  ncci: boolean;
  /** where the last load's time went (ms since the load started for wasm/fetch; durations for engine/ncci) */
  breakdown?: { wasmMs: number; fetchMs: number; engineMs: number; ncciMs: number; userDataMs?: number; severityMs?: number };
  /** data sets the user added, attached to the engine */
  userData?: number;
}

export interface Replies {
  ping: { now: number };
  warm: EngineStatus;
  info: { info: Info; status: EngineStatus };
  search: SearchHit[];
  /** empty when the text is not a code or not in the data */
  lookup: { records: CodeRecord[]; error?: string };
  /** `report` null with `error` when the codes or options were refused, or no severity table */
  severity: { report: StayReport | null; error?: string };
  validateFields: Issue[][];
  validateClaim: Report;
  sitesChanged: { origins: string[] };
  /** every stored set after the request; `error`: the file was refused (file:line:column) and nothing changed */
  userData: { sets: StoredUserData[]; added?: StoredUserData; error?: string; notice?: string };
  pcsNext: PcsBuilderStep;
}

export type Reply<T extends ToBackground["type"]> = Replies[T];
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: string };

export type ToContent =
  | { type: "openPalette" }
  | { type: "mapField"; kind: FieldKind | "none" }
  /** a code chosen in the popup/side panel: insert it into the field that had focus (the frame holding it answers) */
  | { type: "insertCode"; code: string }
  /** the diagnoses of the page's claim/abstract form, principal first (the frame holding them answers) */
  | { type: "pageDiagnoses" }
  | { type: "ping" };

/** The content script's answer to pageDiagnoses: ICD-10-CM codes as typed, principal first; `labelled`: a field says "principal". */
export interface PageDiagnoses {
  codes: string[];
  labelled: boolean;
  /** the form's discharge status says the patient died (alive-only CC/MCCs do not count); absent: no such field filled */
  died?: boolean;
  /** that field's value as shown ("20 - Expired"), for saying where it came from; never stored */
  disposition?: string;
}

/** The content script's answer to insertCode: what the field holds now, or why nothing was inserted. */
export interface InsertReply { ok: boolean; inserted?: string; field?: string; note?: string }

/** Type guard used by receivers: anything else on the channel is ignored. */
export function isToBackground(m: unknown): m is ToBackground {
  return typeof m === "object" && m !== null && typeof (m as { type?: unknown }).type === "string"
    && BACKGROUND_TYPES.has((m as { type: string }).type);
}
const BACKGROUND_TYPES = new Set<string>([
  "ping", "warm", "info", "search", "lookup", "validateFields", "validateClaim", "sitesChanged", "userData",
  "pcsNext", "severity",
]);

export function isToContent(m: unknown): m is ToContent {
  const t = typeof m === "object" && m !== null ? (m as { type?: unknown }).type : undefined;
  return t === "openPalette" || t === "mapField" || t === "ping" || t === "insertCode" || t === "pageDiagnoses";
}
