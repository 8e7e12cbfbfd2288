// The overlay host: one element per document, attached to <html> (outside the
// page's app roots, which SPAs wipe), holding a shadow root with our styles.
// A light-DOM live region is slotted in so screen readers hear suggestions
// (ARIA ids cannot point from a page input into a shadow root).

import { OVERLAY_CSS } from "./styles";

export class Overlay {
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
  readonly layer: HTMLElement;
  private readonly live: HTMLElement;

  constructor(private readonly doc: Document) {
    this.host = doc.createElement("medcode-overlay");
    this.host.setAttribute("data-medcode", "");
    this.root = this.host.attachShadow({ mode: "open" });
    applyStyles(this.root, doc);
    this.layer = doc.createElement("div");
    this.layer.className = "layer";
    this.root.append(this.layer);
    // live region: light DOM child rendered through a visually hidden slot
    const srSlot = doc.createElement("div");
    srSlot.className = "sr";
    srSlot.append(doc.createElement("slot"));
    this.root.append(srSlot);
    this.live = doc.createElement("div");
    this.live.setAttribute("role", "status");
    this.live.setAttribute("aria-live", "polite");
    this.live.setAttribute("aria-atomic", "true");
    this.host.append(this.live);
    // pointer events in the overlay are ours: the page never sees them
    for (const t of ["mousedown", "mouseup", "click", "pointerdown", "pointerup", "dblclick", "contextmenu"]) {
      this.root.addEventListener(t, (e) => e.stopPropagation());
    }
  }

  /** (Re)attaches the host if the page removed it. */
  ensure(): void {
    if (!this.host.isConnected) (this.doc.documentElement ?? this.doc).append(this.host);
  }

  announce(text: string): void {
    this.live.textContent = text;
  }

  el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
    const e = this.doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** Page coordinates of a viewport rect (the host sits at the document's origin). */
  toPage(r: DOMRect, origin: DOMRect = this.host.getBoundingClientRect()): { left: number; top: number; right: number; bottom: number } {
    return { left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left, bottom: r.bottom - origin.top };
  }
}

function applyStyles(root: ShadowRoot, doc: Document): void {
  // Constructable sheets are not subject to the page's CSP; a <style> is the fallback.
  try {
    const win = doc.defaultView as (Window & typeof globalThis) | null;
    const Sheet = win?.CSSStyleSheet ?? CSSStyleSheet;
    const sheet = new Sheet();
    sheet.replaceSync(OVERLAY_CSS);
    root.adoptedStyleSheets = [sheet];
    if (root.adoptedStyleSheets.length === 1) return;
  } catch {
    /* fall through */
  }
  const style = doc.createElement("style");
  style.textContent = OVERLAY_CSS;
  root.append(style);
}
