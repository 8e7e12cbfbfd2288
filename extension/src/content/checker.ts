// Runs the validators: the whole claim when the page holds one (cross-field
// rules point at every field involved), field by field otherwise.

import type { FieldContext, FieldKind, Issue } from "../shared/engine-api";
import type { Platform } from "../shared/platform";
import type { Settings } from "../shared/settings";
import type { Badges } from "./badges";
import { buildClaim, elementsFor, isoDate, splitModifiers } from "./claim";
import type { ClaimRole, FieldInfo } from "./detect";
import type { Field } from "./dom";
import type { Registry } from "./registry";

/** Rules of a line's modifier list that checking each modifier alone cannot see. */
const LINE_MODIFIER_RULES = new Set(["modifier.too_many", "modifier.duplicate"]);

export interface CheckerDeps {
  registry: Registry;
  badges: Badges;
  request: Platform["request"];
  settings(): Settings;
  /** after each run, with the page's recognised fields (the CC/MCC/HCC summary reads them) */
  onChecked?(known: Field[], info: (f: Field) => FieldInfo): void;
}

/** What validateField needs to judge one field: the page's date of service, a diagnosis's position, ... */
export function fieldContext(f: Field, known: Field[], info: (f: Field) => FieldInfo): FieldContext {
  const ctx: FieldContext = {};
  const filled = (pred: (r: ClaimRole | undefined) => boolean) => known.find((k) => pred(info(k).role) && k.value.trim());
  const dos = filled((r) => r?.k === "line" && r.part === "from");
  if (dos) ctx.date_of_service = isoDate(dos.value);
  const dob = filled((r) => r?.k === "birth_date");
  if (dob) ctx.birth_date = isoDate(dob.value);
  const kind = info(f).kind;
  const dxs = known.filter((k) => info(k).kind === "dx");
  if (kind === "dx") {
    const r = info(f).role;
    ctx.position = r?.k === "dx" && r.letter !== undefined ? r.letter : Math.max(0, dxs.indexOf(f));
  }
  if (kind === "pointer") ctx.diagnosis_count = dxs.filter((k) => k.value.trim()).length;
  return ctx;
}

export class Checker {
  private readonly dirty = new Set<Field>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** set after each run (tests read it through the DOM: data-claim on the overlay) */
  lastClaimValid: boolean | null = null;

  constructor(private readonly d: CheckerDeps) {}

  /** when the armed check runs (performance.now() time) */
  private due = 0;

  /**
   * Checks `fields` after `delay` ms. `typing`: the user is typing in one of
   * them, so the check waits for a pause (an armed check is pushed back).
   * Otherwise an armed check is never pushed back: on a page whose fields keep
   * changing (a live worklist), the sweep's touches would postpone it forever.
   */
  touch(fields: Field[], delay = 200, typing = false): void {
    for (const f of fields) this.dirty.add(f);
    const due = performance.now() + delay;
    if (this.timer) {
      if (!typing && due >= this.due) return;
      clearTimeout(this.timer);
    }
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delay);
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce().catch(() => undefined);
    await this.running;
    this.running = null;
    if (this.again) {
      this.again = false;
      await this.run();
    }
  }

  private async runOnce(): Promise<void> {
    const { registry, badges, request } = this.d;
    const dirty = Array.from(this.dirty);
    this.dirty.clear();
    const known = registry.connectedKnown();
    const info = (f: Field) => registry.info(f);
    const view = buildClaim(known, info);
    this.d.onChecked?.(known, info);
    const rest = new Set(dirty.filter((f) => f.isConnected && !view?.fields.has(f)));
    const host = this.d.badges;

    if (view) {
      const report = await request({ type: "validateClaim", claim: view.claim, profile: this.d.settings().payerProfile });
      const per = new Map<Field, Issue[]>();
      for (const f of view.fields) per.set(f, []);
      const firstDx = view.paths.get("diagnoses[0]")?.[0];
      for (const is of report.issues) {
        let els = elementsFor(view, is.field);
        if (!els.length && firstDx) els = [firstDx];
        for (const el of new Set(els)) per.get(el)?.push(is);
      }
      for (const [f, issues] of per) {
        const kind = info(f).kind;
        if (kind && (f.value.trim() || issues.length)) host.set(f, kind, issues);
        else host.clear(f);
      }
      this.lastClaimValid = report.valid;
      this.d.badges.setClaimState(report.valid, report.issues.length);
    }

    const checks = Array.from(rest).filter((f) => info(f).kind && f.value.trim());
    for (const f of rest) if (!f.value.trim()) badges.clear(f);
    if (!checks.length) return;
    // one field may hold several modifiers ("25:59" as OpenEMR's fee sheet asks, "25 59"): each is checked
    const asked: { field: number; kind: FieldKind; value: string; context: FieldContext }[] = [];
    checks.forEach((f, i) => {
      const kind = info(f).kind!;
      const context = fieldContext(f, known, info);
      const values = kind === "modifier" ? splitModifiers(f.value) : [f.value];
      for (const value of values.length ? values : [f.value]) asked.push({ field: i, kind, value, context });
    });
    // a field holding several modifiers is a line's modifier list: how many a line takes (the payer profile's
    // limit) and repeats are line rules, run by the engine on a claim of that one line
    const lists = checks.map((f, i) => ({ i, mods: info(f).kind === "modifier" ? splitModifiers(f.value) : [] })).filter((x) => x.mods.length > 1);
    const [results, lineReports] = await Promise.all([
      request({ type: "validateFields", fields: asked.map(({ kind, value, context }) => ({ kind, value, context })) }),
      Promise.all(lists.map(({ mods }) => request({ type: "validateClaim", claim: { service_lines: [{ modifiers: mods.map((m) => m.toUpperCase()) }] },
        profile: this.d.settings().payerProfile }).catch(() => null))),
    ]);
    const per: Issue[][] = checks.map(() => []);
    asked.forEach((a, i) => per[a.field]!.push(...(results[i] ?? [])));
    lists.forEach(({ i }, k) => {
      for (const is of lineReports[k]?.issues ?? []) {
        if (LINE_MODIFIER_RULES.has(is.rule) && is.field.startsWith("service_lines[0].modifiers")) per[i]!.push(is);
      }
    });
    checks.forEach((f, i) => host.set(f, info(f).kind!, per[i]!));
  }
}
