// Autocomplete under diagnosis and procedure fields: results as the user
// types, keyboard-first (↑ ↓ Enter Tab Esc), mouse too. Inserts only what the
// user picks; Esc leaves the typed text as it is.

import { formatCode } from "../shared/codes";
import type { FieldKind, SearchHit } from "../shared/engine-api";
import type { Platform } from "../shared/platform";
import type { InsertFormat } from "../shared/settings";
import { currentSegment, type Field, setFieldValue } from "./dom";
import { ListView } from "./listview";
import type { Overlay } from "./overlay";

export interface SuggestDeps {
  overlay: Overlay;
  request: Platform["request"];
  insertFormat(): InsertFormat;
  onInserted(field: Field, code: string): void;
}

export type KeyResult = "ignored" | "handled" | "handled-default"; // handled-default: let the browser act too (Tab)

const SUGGEST_KINDS = new Set<FieldKind>(["dx", "proc"]);
export const suggestsFor = (k: FieldKind | null): boolean => k !== null && SUGGEST_KINDS.has(k);

export class Suggest {
  private field: Field | null = null;
  private kind: FieldKind = "dx";
  private seq = 0;
  private readonly view: ListView;
  private savedAria: [string, string | null][] = [];
  isOpen = false;

  constructor(private readonly d: SuggestDeps) {
    this.view = new ListView(d.overlay, (i) => this.accept(i), "↑↓ choose · Enter/Tab insert · Esc keep what you typed");
    this.view.el.hidden = true;
    d.overlay.layer.append(this.view.el);
  }

  get current(): Field | null {
    return this.field;
  }

  focus(field: Field, kind: FieldKind): void {
    if (field !== this.field) this.close();
    this.field = field;
    this.kind = kind;
  }

  blur(field: Field): void {
    if (field === this.field) {
      this.close();
      this.field = null;
    }
  }

  /** After a trusted input event in the focused field. */
  async update(field: Field): Promise<void> {
    if (field !== this.field) return;
    const seq = ++this.seq;
    const q = currentSegment(field).text.trim();
    if (q.length < 2) {
      this.close();
      return;
    }
    let hits: SearchHit[];
    try {
      hits = await this.d.request({ type: "search", query: q, system: this.kind === "dx" ? "icd10cm" : "proc", limit: 8 });
    } catch {
      return; // background unavailable (extension updated or reloading): stay quiet
    }
    // drop stale answers: the user typed on, left the field, or pressed Esc
    if (seq !== this.seq || this.field !== field) return;
    // (case-insensitive: portals often upper-case what is typed after our listener ran)
    if (currentSegment(field).text.trim().toUpperCase() !== q.toUpperCase()) return;
    if (!hits.length && this.kind === "proc" && /^\d/.test(q)) {
      this.close(); // CPT codes are not bundled (AMA licence): nothing to suggest
      return;
    }
    this.show(hits, q);
  }

  private show(hits: SearchHit[], q: string): void {
    this.d.overlay.ensure();
    this.view.render(hits, q);
    this.view.el.hidden = false;
    this.position();
    if (!this.isOpen) this.setAria(true);
    this.isOpen = true;
    this.d.overlay.announce(hits.length
      ? `${hits.length} suggestion${hits.length === 1 ? "" : "s"}; down arrow to choose`
      : "No matching codes");
  }

  position(): void {
    if (!this.isOpen || !this.field) return;
    if (!this.field.isConnected) {
      this.close();
      return;
    }
    const r = this.field.getBoundingClientRect();
    const p = this.d.overlay.toPage(r);
    const win = this.field.ownerDocument.defaultView!;
    const below = win.innerHeight - r.bottom;
    const h = this.view.el.offsetHeight || 200;
    const top = below < h + 8 && r.top > h + 8 ? p.top - h - 2 : p.bottom + 2;
    const left = Math.max(0, Math.min(p.left, p.left + win.innerWidth - r.left - 330));
    this.view.el.style.left = `${left}px`;
    this.view.el.style.top = `${top}px`;
  }

  onKeyDown(e: KeyboardEvent): KeyResult {
    if (!this.field) return "ignored";
    if (!this.isOpen) {
      if (e.key === "ArrowDown" && e.altKey) {
        void this.update(this.field);
        return "handled";
      }
      return "ignored";
    }
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        const h = this.view.move(e.key === "ArrowDown" ? 1 : -1);
        if (h) this.d.overlay.announce(this.view.describe(this.view.active));
        return "handled";
      }
      case "Enter":
        if (this.view.active < 0) {
          this.close();
          return "ignored";
        }
        this.accept(this.view.active);
        return "handled";
      case "Tab":
        if (this.view.active >= 0) this.accept(this.view.active);
        else this.close();
        return "handled-default";
      case "Escape":
        this.close();
        return "handled";
      default:
        return "ignored";
    }
  }

  accept(i: number): void {
    const field = this.field;
    const hit = this.view.hits[i];
    if (!field || !hit) return;
    const code = formatCode(hit.code, this.d.insertFormat());
    const seg = currentSegment(field);
    const v = field.value;
    this.close();
    setFieldValue(field, v.slice(0, seg.start) + code + v.slice(seg.end), seg.start + code.length);
    this.d.overlay.announce(`Inserted ${code}, ${hit.title}`);
    this.d.onInserted(field, hit.code);
  }

  close(): void {
    this.seq++; // cancels answers in flight
    if (this.isOpen) this.setAria(false);
    this.isOpen = false;
    this.view.el.hidden = true;
  }

  /** aria-expanded/-autocomplete on the page's input only while open; restored after. */
  private setAria(open: boolean): void {
    const f = this.field;
    if (!f) return;
    if (open) {
      this.savedAria = ["aria-expanded", "aria-autocomplete"].map((a) => [a, f.getAttribute(a)]);
      f.setAttribute("aria-expanded", "true");
      f.setAttribute("aria-autocomplete", "list");
    } else {
      for (const [a, v] of this.savedAria) v === null ? f.removeAttribute(a) : f.setAttribute(a, v);
      this.savedAria = [];
    }
  }
}
