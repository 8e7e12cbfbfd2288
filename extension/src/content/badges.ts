// A small badge beside each recognised field that has a value: valid,
// warning or error, with the validator's messages and a one-click fix when
// the issue carries a suggestion. Only fields in view get a badge
// (IntersectionObserver), so a page with thousands of fields stays cheap.

import type { Issue } from "../shared/engine-api";
import { FIELD_LABELS } from "../shared/fields";
import type { FieldKind } from "../shared/engine-api";
import type { Field } from "./dom";
import type { Overlay } from "./overlay";

export type BadgeState = "valid" | "warning" | "error";

interface Entry {
  field: Field;
  kind: FieldKind;
  issues: Issue[];
  badge: HTMLButtonElement | null;
  visible: boolean;
}

export interface BadgeDeps {
  overlay: Overlay;
  /** the user clicked a fix: apply it to the field */
  applyFix(field: Field, issue: Issue): void;
}

export class Badges {
  private readonly entries = new Map<Field, Entry>();
  private readonly io: IntersectionObserver;
  private readonly pop: HTMLElement;
  private popFor: Field | null = null;
  private rafPending = false;

  constructor(private readonly d: BadgeDeps) {
    this.io = new IntersectionObserver((list) => {
      for (const e of list) {
        const en = this.entries.get(e.target as Field);
        if (!en) continue;
        en.visible = e.isIntersecting;
        this.draw(en);
      }
      this.reposition();
    });
    this.pop = d.overlay.el("div", "pop");
    this.pop.hidden = true;
    this.pop.setAttribute("role", "dialog");
    this.pop.setAttribute("aria-label", "medcode field check");
    d.overlay.layer.append(this.pop);
  }

  set(field: Field, kind: FieldKind, issues: Issue[]): void {
    let en = this.entries.get(field);
    if (!en) {
      en = { field, kind, issues, badge: null, visible: false };
      this.entries.set(field, en);
      this.io.observe(field);
    }
    en.kind = kind;
    en.issues = issues;
    this.draw(en);
    if (this.popFor === field) this.openPop(en);
    this.reposition();
  }

  clear(field: Field): void {
    const en = this.entries.get(field);
    if (!en) return;
    en.badge?.remove();
    this.io.unobserve(field);
    this.entries.delete(field);
    if (this.popFor === field) this.closePop();
  }

  /** Records the whole-claim result on the host (for tests and the popup). */
  setClaimState(valid: boolean, issues: number): void {
    this.d.overlay.host.dataset.claim = valid ? "valid" : "invalid";
    this.d.overlay.host.dataset.claimIssues = String(issues);
  }

  /** Fields that have a badge entry (for pruning). */
  fields(): Field[] {
    return Array.from(this.entries.keys());
  }

  stateOf(field: Field): BadgeState | null {
    const en = this.entries.get(field);
    return en ? severity(en.issues) : null;
  }

  private draw(en: Entry): void {
    if (!en.visible || !en.field.isConnected || (en.field.value.trim() === "" && !en.issues.length)) {
      en.badge?.remove();
      en.badge = null;
      return;
    }
    if (!en.badge) {
      const b = this.d.overlay.el("button", "badge");
      b.type = "button";
      b.addEventListener("mousedown", (e) => e.preventDefault());
      b.addEventListener("click", (e) => {
        if (!e.isTrusted) return;
        this.popFor === en.field ? this.closePop() : this.openPop(this.entries.get(en.field)!);
      });
      en.badge = b;
      this.d.overlay.ensure();
      this.d.overlay.layer.append(b);
    }
    const s = severity(en.issues);
    en.badge.className = `badge ${s}`;
    en.badge.textContent = s === "valid" ? "✓" : s === "warning" ? "!" : "×";
    en.badge.dataset.state = s;
    en.badge.dataset.count = String(en.issues.length);
    en.badge.dataset.rules = en.issues.map((i) => i.rule).join(" ");
    const first = en.issues[0];
    en.badge.title = first ? first.message : `${FIELD_LABELS[en.kind]}: looks right`;
    en.badge.setAttribute("aria-label", `medcode: ${s}${first ? `: ${first.message}` : ""}`);
  }

  /** Moves badges next to their fields (after scroll, resize or layout changes). */
  reposition(): void {
    if (this.rafPending || this.entries.size === 0) return;
    this.rafPending = true;
    requestAnimationFrame(() => {
      this.rafPending = false;
      const origin = this.d.overlay.host.getBoundingClientRect();
      for (const en of this.entries.values()) {
        if (!en.field.isConnected) {
          this.clear(en.field);
          continue;
        }
        if (!en.badge) continue;
        const r = en.field.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) {
          en.badge.style.display = "none";
          continue;
        }
        const p = this.d.overlay.toPage(r, origin);
        en.badge.style.display = "";
        if (en.issues.length) {
          en.badge.style.left = `${p.right - 20}px`;
          en.badge.style.top = `${p.top + (r.height - 16) / 2}px`;
        } else { // "valid" is a small dot in the corner, out of the text's way
          en.badge.style.left = `${p.right - 9}px`;
          en.badge.style.top = `${p.top - 3}px`;
        }
      }
      if (this.popFor) this.placePop(this.popFor, origin);
    });
  }

  private openPop(en: Entry): void {
    const o = this.d.overlay;
    this.popFor = en.field;
    const s = severity(en.issues);
    const kids: Node[] = [];
    const head = o.el("div", `sev ${s}`, s === "valid"
      ? `${FIELD_LABELS[en.kind]}: no problems found`
      : `${en.issues.length} ${en.issues.length === 1 ? "problem" : "problems"}`);
    kids.push(head);
    for (const is of en.issues) {
      const row = o.el("div", "issue");
      row.append(o.el("span", `sev ${is.severity}`, is.severity === "error" ? "Error: " : "Warning: "), o.el("span", "msg", is.message));
      const rule = o.el("div", "rule", is.rule);
      row.append(rule);
      if (is.suggestion) {
        const b = o.el("button", "fix", `Fix: use ${is.suggestion}`);
        b.type = "button";
        b.dataset.suggestion = is.suggestion;
        b.addEventListener("mousedown", (e) => e.preventDefault());
        b.addEventListener("click", (e) => {
          if (!e.isTrusted) return;
          this.closePop();
          this.d.applyFix(en.field, is);
        });
        row.append(b);
      }
      kids.push(row);
    }
    this.pop.replaceChildren(...kids);
    this.pop.hidden = false;
    this.placePop(en.field, o.host.getBoundingClientRect());
  }

  private placePop(field: Field, origin: DOMRect): void {
    if (!field.isConnected) return this.closePop();
    const p = this.d.overlay.toPage(field.getBoundingClientRect(), origin);
    const maxLeft = field.ownerDocument.documentElement.clientWidth - 390;
    this.pop.style.left = `${Math.max(0, Math.min(p.left, maxLeft))}px`;
    this.pop.style.top = `${p.bottom + 4}px`;
  }

  closePop(): void {
    this.popFor = null;
    this.pop.hidden = true;
  }
}

export function severity(issues: Issue[]): BadgeState {
  if (issues.some((i) => i.severity === "error")) return "error";
  if (issues.length) return "warning";
  return "valid";
}
