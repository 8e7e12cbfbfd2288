// A listbox of search hits (WAI-ARIA listbox/option), shared by the field
// autocomplete and the palette. Options are reused between renders.

import type { SearchHit } from "../shared/engine-api";
import type { Overlay } from "./overlay";
import { chipWords, renderChips } from "./chips";

let uid = 0;

export class ListView {
  readonly el: HTMLUListElement;
  private readonly foot: HTMLLIElement;
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
    // mousedown would move focus out of the page's field: keep it there
    this.el.addEventListener("mousedown", (e) => e.preventDefault());
    this.el.addEventListener("click", (e) => {
      if (!e.isTrusted) return;
      const li = (e.target as Element).closest("li.opt");
      const i = li ? this.opts.indexOf(li as HTMLLIElement) : -1;
      if (i >= 0 && i < this.hits.length) onPick(i);
    });
  }

  render(hits: SearchHit[], query: string): void {
    this.hits = hits;
    this.active = -1;
    while (this.opts.length < hits.length) {
      const li = this.o.el("li", "opt");
      li.setAttribute("role", "option");
      li.id = `${this.el.id}-${this.opts.length}`;
      li.append(this.o.el("span", "code"), this.o.el("span", "title"), this.o.el("span", "tag"), this.o.el("span", "chips"), this.o.el("span", "why"));
      this.opts.push(li);
    }
    const frag = this.o.el("div").ownerDocument.createDocumentFragment();
    hits.forEach((h, i) => {
      const li = this.opts[i]!;
      const [c, t, tag, chips, why] = li.children as unknown as [HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement];
      c.textContent = h.code;
      t.textContent = h.title;
      t.title = h.title;
      tag.textContent = h.billable ? (h.system === "hcpcs" ? "HCPCS" : "billable") : "header";
      tag.className = h.billable ? "tag" : "tag header";
      // Why a synonym or default matched, as text (never HTML).
      why.textContent = h.why ?? "";
      why.hidden = !h.why;
      renderChips(chips, h.severity);
      li.setAttribute("aria-selected", "false");
      li.dataset.code = h.code;
      frag.append(li);
    });
    if (!hits.length) {
      const e = this.o.el("li", "empty", `No code matches “${query}”`);
      e.setAttribute("role", "presentation");
      frag.append(e);
    }
    frag.append(this.foot);
    this.el.replaceChildren(frag);
    this.el.dataset.query = query;
    this.el.dataset.count = String(hits.length);
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
