// The lookup palette (default Alt+Shift+K): search anything from anywhere and
// insert into the field that had focus.

import { formatCode } from "../shared/codes";
import type { SearchHit } from "../shared/engine-api";
import type { Platform } from "../shared/platform";
import type { HitOptions } from "../shared/protocol";
import type { InsertFormat } from "../shared/settings";
import { currentSegment, type Field, isWritable } from "./dom";
import { insertCode } from "./insert";
import { ListView } from "./listview";
import type { Overlay } from "./overlay";

export interface PaletteDeps {
  overlay: Overlay;
  request: Platform["request"];
  insertFormat(): InsertFormat;
  onInserted(field: Field, code: string): void;
  isCodeField(field: Field): boolean;
  /** say something next to the field (a code that did not fit) */
  note(field: Field, text: string): void;
  onOpen?(): void;
  /** chip options for ICD-10-CM results (undefined: chips off) */
  severity?(): HitOptions | undefined;
}

export class Palette {
  private readonly box: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly hint: HTMLElement;
  private readonly view: ListView;
  private target: Field | null = null;
  private seq = 0;
  isOpen = false;

  constructor(private readonly d: PaletteDeps) {
    const o = d.overlay;
    this.box = o.el("div", "palette");
    this.box.hidden = true;
    this.box.setAttribute("role", "dialog");
    this.box.setAttribute("aria-label", "medcode lookup");
    this.input = o.el("input");
    this.input.type = "text";
    this.input.placeholder = "Search ICD-10-CM and HCPCS: words, abbreviations or codes";
    this.input.setAttribute("aria-label", "Search codes");
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.view = new ListView(o, (i) => this.pick(i), "↑↓ choose · Enter insert · Esc close");
    this.view.el.hidden = true;
    this.input.setAttribute("aria-controls", this.view.el.id); // same shadow root: the reference resolves
    this.hint = o.el("div", "hint", "");
    this.box.append(this.input, this.view.el, this.hint);
    o.layer.append(this.box);
    // keys typed here belong to the palette, not the page
    for (const t of ["keydown", "keyup", "keypress", "input", "beforeinput"]) {
      this.box.addEventListener(t, (e) => e.stopPropagation());
    }
    this.input.addEventListener("input", () => void this.search());
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    this.input.addEventListener("blur", () => setTimeout(() => {
      if (this.isOpen && this.d.overlay.root.activeElement !== this.input) this.close(false);
    }, 0));
  }

  open(target: Field | null): void {
    this.d.onOpen?.();
    this.target = target && isWritable(target) ? target : null;
    this.d.overlay.ensure();
    this.box.hidden = false;
    this.isOpen = true;
    this.input.value = "";
    this.view.el.hidden = true;
    this.hint.textContent = this.target ? "Enter inserts into the field you were in" : "No field was focused: Enter copies the code";
    this.input.focus();
  }

  close(restoreFocus: boolean): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.seq++;
    this.box.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    if (restoreFocus && this.target?.isConnected) this.target.focus();
  }

  private async search(): Promise<void> {
    const q = this.input.value.trim();
    const seq = ++this.seq;
    if (q.length < 2) {
      this.view.el.hidden = true;
      return;
    }
    let hits: SearchHit[];
    try {
      const severity = this.d.severity?.();
      hits = await this.d.request({ type: "search", query: q, system: "all", limit: 10, ...(severity ? { severity } : {}) });
    } catch {
      return;
    }
    if (seq !== this.seq || !this.isOpen) return;
    this.view.render(hits, q);
    this.view.el.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    if (hits.length) this.view.setActive(0);
    this.syncActive();
  }

  private syncActive(): void {
    const li = this.view.el.querySelector('[aria-selected="true"]');
    if (li) this.input.setAttribute("aria-activedescendant", li.id);
    else this.input.removeAttribute("aria-activedescendant");
  }

  private onKey(e: KeyboardEvent): void {
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        this.view.move(e.key === "ArrowDown" ? 1 : -1);
        this.syncActive();
        e.preventDefault();
        break;
      case "Enter":
        e.preventDefault();
        if (this.view.active >= 0) this.pick(this.view.active);
        break;
      case "Escape":
        e.preventDefault();
        this.close(true);
        break;
    }
  }

  private pick(i: number): void {
    const hit = this.view.hits[i];
    if (!hit) return;
    const code = formatCode(hit.code, this.d.insertFormat());
    const t = this.target;
    this.close(true);
    if (t?.isConnected) {
      const v = t.value;
      let start = t.selectionStart ?? v.length;
      let end = t.selectionEnd ?? start;
      if (start === end && this.d.isCodeField(t)) {
        const seg = currentSegment(t);
        start = seg.start;
        end = seg.end;
      }
      const r = insertCode(t, hit.code, this.d.insertFormat(), start, end, (note) => {
        if (note) this.d.note(t, note);
      });
      if (r.ok) this.d.onInserted(t, hit.code);
      else this.d.note(t, r.note ?? `${hit.code} not inserted`);
    } else {
      void navigator.clipboard?.writeText(code).catch(() => undefined);
      this.d.overlay.announce(`Copied ${code}`);
    }
  }
}
