// Answers ToBackground requests. Pure over an engine provider, so it can be
// unit-tested with a fake engine.

import type { Engine, Issue } from "../shared/engine-api";
import type { EngineStatus, Replies, Reply, ToBackground, UserDataRequest } from "../shared/protocol";
import { searchHits } from "../../../web-shared/packed-hits";

export interface ServiceDeps {
  engine(): Promise<{ engine: Engine; cold: boolean }>;
  status(engine: Engine, cold: boolean): EngineStatus;
  /** attach the NCCI table before the first whole-claim check */
  prepareClaims?(engine: Engine): Promise<void>;
  /** attach ICD-10-PCS before the first PCS search or field */
  preparePcs?(engine: Engine): Promise<void>;
  /** attach severity.idx before the first chips, details or stay summary */
  prepareSeverity?(engine: Engine): Promise<void>;
  /** the user's stored sets attached (CPT descriptors, MUE, ...): awaited by every request that can use them;
   * `dx`: for an ICD-10-CM search, which waits only when the user stored an ICD-10-CM file */
  prepareUserData?(engine: Engine, dx?: boolean): Promise<void>;
  syncSites(): Promise<string[]>;
  /** the user's own data: list, add (parse, check, store, attach), remove */
  userData?(engine: Engine, msg: UserDataRequest): Promise<Replies["userData"]>;
}

export async function handle<T extends ToBackground>(deps: ServiceDeps, msg: T): Promise<Reply<T["type"]>> {
  return (await dispatch(deps, msg)) as Reply<T["type"]>;
}

/**
 * Checks a request's shape before any work: `isToBackground` knows only its
 * `type`, and a request from a page-facing script may carry anything. Text
 * is cut to its cap where it is used below; a wrong type, a list past its
 * cap or an unknown option is refused with what is wrong, so the caller
 * sees a message instead of a TypeError from deep inside.
 */
export const REQUEST_CAPS = { list: 10_000, name: 1_024, id: 200, claimList: 1_000 } as const;
/** the systems a search may name (the engine refuses others; refused here with the list) */
const SEARCH_SYSTEMS = ["icd10cm", "hcpcs", "cpt", "proc", "all", "icd10pcs"];
export function checkRequest(msg: ToBackground): void {
  const m = msg as unknown as Record<string, unknown>;
  const bad = (field: string, want: string): never => {
    const v = m[field];
    const got = v === null ? "null" : Array.isArray(v) ? `a list of ${v.length}` : typeof v;
    throw new Error(`medcode: a "${msg.type}" request needs ${field} ${want} (got ${got}); reload the page or the extension`);
  };
  const text = (field: string, optional = false) => {
    if (optional && m[field] === undefined) return;
    if (typeof m[field] !== "string") bad(field, "as text");
  };
  const object = (field: string, optional = false) => {
    const v = m[field];
    if (optional && v === undefined) return;
    if (typeof v !== "object" || v === null || Array.isArray(v)) bad(field, "as an object");
  };
  const list = (field: string) => {
    const v = m[field];
    if (!Array.isArray(v)) bad(field, "as a list");
    else if (v.length > REQUEST_CAPS.list) bad(field, `as a list of at most ${REQUEST_CAPS.list}`);
  };
  const short = (field: string, max: number) => {
    text(field);
    if ((m[field] as string).length > max) bad(field, `as text of at most ${max} characters`);
  };
  /** a list of text entries (no String() of an object: it may have no usable toString) */
  const texts = (field: string) => {
    list(field);
    const i = (m[field] as unknown[]).findIndex((v) => typeof v !== "string");
    if (i >= 0) bad(field, `as a list of text (entry ${i} is not)`);
  };
  switch (msg.type) {
    case "search":
      text("query");
      text("system", true);
      if (m.system !== undefined && !SEARCH_SYSTEMS.includes(m.system as string)) {
        bad("system", `as one of ${SEARCH_SYSTEMS.map((s) => `"${s}"`).join(", ")}`);
      }
      if (typeof m.limit !== "number" || !Number.isFinite(m.limit)) bad("limit", "as a number");
      object("severity", true);
      break;
    case "lookup":
      text("code");
      object("severity", true);
      break;
    case "severity":
      text("pdx");
      texts("secondaries");
      object("options");
      break;
    case "validateFields": {
      list("fields");
      const fields = m.fields as unknown[];
      const i = fields.findIndex((f) => {
        const r = f as Record<string, unknown> | null;
        return typeof r !== "object" || r === null || typeof r.kind !== "string" || typeof r.value !== "string"
          || (r.context !== undefined && (typeof r.context !== "object" || r.context === null));
      });
      if (i >= 0) bad("fields", `as {kind, value} text entries (entry ${i} is not)`);
      break;
    }
    case "validateClaim": {
      object("claim");
      text("profile", true);
      text("today", true);
      // the engine reads at most claimList of each; a longer list is refused here, before it is walked
      const claim = m.claim as Record<string, unknown>;
      for (const key of ["diagnoses", "service_lines"]) {
        const v = claim[key];
        if (Array.isArray(v) && v.length > REQUEST_CAPS.claimList) {
          throw new Error(`medcode: a "validateClaim" request needs claim.${key} as a list of at most ${REQUEST_CAPS.claimList} (got a list of ${v.length}); a claim holds far fewer`);
        }
      }
      break;
    }
    case "pcsNext":
      text("prefix");
      text("date", true);
      break;
    case "userData":
      if (m.op === "add") {
        short("kind", REQUEST_CAPS.id);
        short("name", REQUEST_CAPS.name);
        short("pending", REQUEST_CAPS.id);
      } else if (m.op === "remove") short("id", REQUEST_CAPS.id);
      else if (m.op !== "list") bad("op", 'as "list", "add" or "remove"');
      break;
  }
}

async function dispatch(deps: ServiceDeps, msg: ToBackground): Promise<Replies[keyof Replies]> {
  checkRequest(msg);
  if (msg.type === "ping") return { now: Date.now() } satisfies Replies["ping"];
  if (msg.type === "sitesChanged") return { origins: await deps.syncSites() } satisfies Replies["sitesChanged"];
  const { engine, cold } = await deps.engine();
  // only ICD-10-CM/PCS searches and warm-ups answer before the user's data is attached
  // (an ICD-10-CM search waits when the user stored an ICD-10-CM file: its codes are in the answers)
  const dxOnly = msg.type === "warm" || (msg.type === "search" && (msg.system === "icd10cm" || msg.system === "icd10pcs"));
  if (!dxOnly) await deps.prepareUserData?.(engine);
  else if (msg.type === "search" && msg.system === "icd10cm") await deps.prepareUserData?.(engine, true);
  switch (msg.type) {
    case "warm":
      return deps.status(engine, cold) satisfies Replies["warm"];
    case "info":
      return { info: engine.info(), status: deps.status(engine, cold) } satisfies Replies["info"];
    case "search": {
      const q = msg.query.slice(0, 200);
      if (q.trim() === "") return [] satisfies Replies["search"];
      if (msg.system === "icd10pcs") {
        await deps.preparePcs?.(engine);
        if (typeof engine.pcsSearch !== "function") return [] satisfies Replies["search"];
        return engine.pcsSearch(q, Math.min(Math.max(msg.limit, 1), 50)).map((h) => ({
          code: h.code,
          title: h.title ?? "(valid code; its title is not in the bundled data)",
          system: "icd10pcs",
          billable: true,
          matched: [],
          score: h.score,
        })) as unknown as Replies["search"];
      }
      const limit = Math.min(Math.max(msg.limit, 1), 50);
      if (msg.severity && msg.system !== "hcpcs" && msg.system !== "cpt" && msg.system !== "proc") {
        await deps.prepareSeverity?.(engine);
        if (engine.hasSeverity?.()) {
          try {
            return searchHits(engine, q, msg.system, limit, msg.severity) satisfies Replies["search"];
          } catch {
            /* options the tables refuse (a stale setting): plain hits */
          }
        }
      }
      return searchHits(engine, q, msg.system, limit) satisfies Replies["search"];
    }
    case "lookup":
      try {
        if (msg.severity) {
          await deps.prepareSeverity?.(engine);
          if (engine.hasSeverity?.()) {
            try {
              return { records: engine.lookup(msg.code.slice(0, 40), msg.severity) } satisfies Replies["lookup"];
            } catch {
              /* options the tables refuse: the plain record below */
            }
          }
        }
        return { records: engine.lookup(msg.code.slice(0, 40)) } satisfies Replies["lookup"];
      } catch (e) {
        return { records: [], error: e instanceof Error ? e.message : String(e) } satisfies Replies["lookup"];
      }
    case "validateFields":
      if (msg.fields.some((f) => f.kind === "pcs")) await deps.preparePcs?.(engine);
      return msg.fields.slice(0, 2000).map((f): Issue[] => {
        const value = f.value.slice(0, 200);
        try {
          return engine.validateField(f.kind, value, f.context);
        } catch (e) {
          return [{ rule: "engine.error", severity: "warning", field: "", message: e instanceof Error ? e.message : String(e) }];
        }
      }) satisfies Replies["validateFields"];
    case "pcsNext": {
      await deps.preparePcs?.(engine);
      if (typeof engine.pcsNext !== "function") throw new Error("this engine has no ICD-10-PCS data");
      return engine.pcsNext(msg.prefix.slice(0, 7), msg.date?.slice(0, 40)) as Replies["pcsNext"];
    }
    case "severity": {
      await deps.prepareSeverity?.(engine);
      if (!engine.hasSeverity?.()) return { report: null, error: "no MS-DRG/HCC tables in this build" } satisfies Replies["severity"];
      try {
        const sdx = msg.secondaries.slice(0, 24).map((c) => String(c).slice(0, 40));
        return { report: engine.severity(String(msg.pdx).slice(0, 40), sdx, msg.options) } satisfies Replies["severity"];
      } catch (e) {
        return { report: null, error: e instanceof Error ? e.message : String(e) } satisfies Replies["severity"];
      }
    }
    case "userData":
      if (!deps.userData) return { sets: [], error: "this engine cannot take added data" } satisfies Replies["userData"];
      return deps.userData(engine, msg);
    case "validateClaim": {
      await deps.prepareClaims?.(engine);
      const r = engine.validateClaim(msg.claim, msg.today?.slice(0, 40), { profile: msg.profile === "medicare" ? "medicare" : "cms1500" });
      return { valid: r.valid, issues: r.issues } satisfies Replies["validateClaim"];
    }
  }
}
