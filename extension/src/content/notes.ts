// A short note next to a field, said when medcode did not do what the user
// asked (a code that does not fit, a page that changed the code). Announced
// to screen readers too; goes away on the next edit of the field or after a while.

import type { Overlay } from "./overlay";

const SHOW_MS = 12_000;

export class Notes {
  private readonly el: HTMLElement;
  private field: HTMLElement | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly o: Overlay) {
    this.el = o.el("div", "note");
    this.el.hidden = true;
    this.el.setAttribute("role", "alert");
    o.layer.append(this.el);
  }

  show(field: HTMLElement, text: string): void {
    this.o.ensure();
    this.field = field;
    this.el.textContent = text;
    this.el.hidden = false;
    this.el.dataset.for = field.id || field.getAttribute("name") || "";
    this.position();
    this.o.announce(text);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hide(), SHOW_MS);
  }

  /** The user moved on to another field: the note was about the last one. */
  focused(field: Element): void {
    if (this.field && field !== this.field) this.hide();
  }

  /** The user edits the field again: the note has been read. */
  edited(field: HTMLElement): void {
    if (field === this.field) this.hide();
  }

  hide(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.field = null;
    this.el.hidden = true;
  }

  position(): void {
    const f = this.field;
    if (!f || this.el.hidden) return;
    if (!f.isConnected) return this.hide();
    const p = this.o.toPage(f.getBoundingClientRect());
    const vw = f.ownerDocument.documentElement.clientWidth;
    this.el.style.left = `${Math.max(0, Math.min(p.left, vw - 360))}px`;
    this.el.style.top = `${p.bottom + 4}px`;
  }
}
