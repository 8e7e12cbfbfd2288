// A listbox of search hits (WAI-ARIA listbox/option), shared by the field
// autocomplete and the palette. Options are reused between renders.

import type { SearchHit } from "../shared/engine-api";
import type { Overlay } from "./overlay";
import { chipWords, renderChips } from "./chips";

let uid = 0;

export class ListView {
  readonly el: HTMLUListElement;
  private readonly foot: HTMLLIElement;
  private readonly empty: HTMLLIElement;
  private opts: HTMLLIElement[] = [];
  hits: SearchHit[] = [];
  active = -1;

  constructor(private readonly o: Overlay, onPick: (index: number) => void, footText: string) {
    this.el = o.el("ul", "listbox");
    this.el.setAttribute("role", "listbox");
    this.el.setAttribute("aria-label", "medcode suggestions");
    this.el.id = `medcode-lb-${++uid}`;
    this.foot = o.el("li", "foot", footText);
    this.foot.setAttribute("role", "presentation");
    this.empty = o.el("li", "empty");
    this.empty.setAttribute("role", "presentation");
    this.el.append(this.foot);
    // mousedown would move focus out of the page's field: keep it there
    this.el.addEventListener("mousedown", (e) => e.preventDefault());
    this.el.addEventListener("click", (e) => {
      if (!e.isTrusted) return;
      const li = (e.target as Element).closest("li.opt");
      const i = li ? this.opts.indexOf(li as HTMLLIElement) : -1;
      if (i >= 0 && i < this.hits.length) onPick(i);
    });
  }

  /**
   * Rows stay in the list between renders and only their text changes (set
   * only when it differs): a keystroke's render inserts or removes rows only
   * when the number of hits changes, and reads no layout.
   */
  render(hits: SearchHit[], query: string): void {
    this.hits = hits;
    if (this.active >= 0) this.opts[this.active]?.setAttribute("aria-selected", "false");
    this.active = -1;
    while (this.opts.length < hits.length) {
      const li = this.o.el("li", "opt");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.id = `${this.el.id}-${this.opts.length}`;
      li.append(this.o.el("span", "code"), this.o.el("span", "title"), this.o.el("span", "tag"), this.o.el("span", "chips"), this.o.el("span", "why"));
      this.opts.push(li);
    }
    hits.forEach((h, i) => {
      const li = this.opts[i]!;
      this.fillRow(li, h);
      if (li.parentNode !== this.el) this.el.insertBefore(li, this.empty.parentNode === this.el ? this.empty : this.foot);
    });
    for (let i = hits.length; i < this.opts.length; i++) this.opts[i]!.remove();
    if (hits.length) this.empty.remove();
    else {
      setText(this.empty, `No code matches “${query}”`);
      this.el.insertBefore(this.empty, this.foot);
    }
    if (this.foot.parentNode !== this.el) this.el.append(this.foot);
    this.el.dataset.query = query;
    this.el.dataset.count = String(hits.length);
  }

  /** One suggestion row: code, title, tag, why (more chips go after the tag). */
  private fillRow(li: HTMLLIElement, h: SearchHit): void {
    const [c, t, tag, chips, why] = li.children as unknown as [HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    setText(c, h.code);
    if (setText(t, h.title)) t.title = h.title;
    setText(tag, h.billable ? (h.system === "hcpcs" ? "HCPCS" : "billable") : "header");
    const tagClass = h.billable ? "tag" : "tag header";
    if (tag.className !== tagClass) tag.className = tagClass;
    // Why a synonym or default matched, as text (never HTML).
    setText(why, h.why ?? "");
    if (why.hidden !== !h.why) why.hidden = !h.why;
    renderChips(chips, h.severity);
    if (li.dataset.code !== h.code) li.dataset.code = h.code;
  }

  move(delta: number): SearchHit | undefined {
    if (!this.hits.length) return undefined;
    const n = this.hits.length;
    const next = this.active < 0 ? (delta > 0 ? 0 : n - 1) : (this.active + delta + n) % n;
    this.setActive(next);
    return this.hits[next];
  }

  setActive(i: number): void {
    if (this.active >= 0) this.opts[this.active]?.setAttribute("aria-selected", "false");
    this.active = i;
    const li = this.opts[i];
    if (li) {
      li.setAttribute("aria-selected", "true");
      li.scrollIntoView({ block: "nearest" });
    }
  }

  describe(i: number): string {
    const h = this.hits[i];
    if (!h) return "";
    const chips = chipWords(h.severity);
    return `${h.code}, ${h.title}, ${h.billable ? "billable" : "header, not billable"}${chips ? `, ${chips}` : ""}, ${i + 1} of ${this.hits.length}`;
  }
}

/** Sets a node's text only when it differs (no mutation, no relayout otherwise); says whether it did. */
function setText(el: HTMLElement, text: string): boolean {
  if (el.textContent === text) return false;
  el.textContent = text;
  return true;
}
