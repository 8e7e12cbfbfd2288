// The page's own autocomplete: is a field already a combobox, and is its list
// showing right now (and where)? Read on focus and when our list is shown or
// moved, never per page element: ARIA references first, then what lies just
// below/above the field (elementsFromPoint), so a 5,000-input page costs the same.
// While our list shows, the follow timer makes no hit test: it measures the list
// found before again, or looks at the elements the page just changed.


const LIST_ROLES = new Set(["listbox", "menu", "tree", "grid", "dialog"]);
const ITEM_SEL = "[role=listbox], [role=option], [role=menu], [role=menuitem], [role=tree], [role=treeitem]";

/** The field announces a page autocomplete of its own (ARIA combobox, datalist). */
export function isPageCombobox(el: HTMLElement): boolean {
  const role = el.getAttribute("role");
  if (role === "combobox") return true;
  const ac = el.getAttribute("aria-autocomplete");
  if (ac && ac !== "none") return true;
  const hp = el.getAttribute("aria-haspopup");
  if (hp && hp !== "false") return true;
  if (el instanceof HTMLInputElement && el.getAttribute("list")) return true;
  for (const a of ["aria-controls", "aria-owns"]) {
    for (const t of referenced(el, a)) {
      if (LIST_ROLES.has(t.getAttribute("role") ?? "")) return true;
    }
  }
  // ARIA 1.1 pattern: role=combobox on a wrapper
  const wrap = el.parentElement?.closest("[role=combobox]");
  return !!wrap && wrap.contains(el) && depth(el, wrap) <= 3;
}

function depth(el: Element, anc: Element): number {
  let d = 0;
  for (let n: Element | null = el; n && n !== anc; n = n.parentElement) d++;
  return d;
}

function referenced(el: Element, attr: string): Element[] {
  const ids = el.getAttribute(attr);
  if (!ids) return [];
  const root = el.getRootNode() as Document | ShadowRoot;
  const out: Element[] = [];
  for (const id of ids.split(/\s+/).slice(0, 4)) {
    const t = root.getElementById?.(id) ?? el.ownerDocument.getElementById(id);
    if (t) out.push(t);
  }
  return out;
}

function visibleRect(e: Element): DOMRect | null {
  const r = e.getBoundingClientRect();
  if (r.width < 4 || r.height < 4) return null;
  const cs = getComputedStyle(e);
  if (cs.visibility === "hidden" || cs.display === "none" || Number(cs.opacity) === 0) return null;
  return r;
}

export interface PageList {
  rect: DOMRect;
  /** ARIA says it is the field's list (keys belong to the page while it shows) */
  aria: boolean;
  /** the list element (measured again while it shows, without hit tests) */
  el: Element;
}

/** hit tests made (elementsFromPoint calls) and ms spent looking for the page's list / placing ours (tests, benchmark) */
export const probeStats = { hitTests: 0, probeMs: 0, positionMs: 0 };

/** The list the field's aria-controls/-owns names, if it shows (no hit test). */
export function ariaListFor(el: HTMLElement): PageList | null {
  const expanded = el.getAttribute("aria-expanded") ?? el.parentElement?.closest("[role=combobox]")?.getAttribute("aria-expanded");
  for (const a of ["aria-controls", "aria-owns"]) {
    for (const t of referenced(el, a)) {
      const r = visibleRect(t);
      if (r && (t.childElementCount > 0 || (t.textContent ?? "").trim()) && expanded !== "false") return { rect: r, aria: true, el: t };
    }
  }
  return null;
}

/** A list found before, where it is now; null once it is hidden, gone or no longer by the field. */
export function remeasure(list: PageList, field: HTMLElement): PageList | null {
  if (!list.el.isConnected) return null;
  const r = visibleRect(list.el);
  return r && near(r, field.getBoundingClientRect()) ? { ...list, rect: r } : null;
}

/** Most elements the page changed that are looked at per call (the rest wait for a full probe). */
export const MAX_CHANGED = 64;

/**
 * The page's list among elements the page just added or changed (from a MutationObserver), without
 * hit tests: an ARIA listbox/option/menu item in or around them, or a positioned list-like popup,
 * shown and hugging the field. Bounded: layout is read only for list-like candidates.
 */
export function pageListAmong(field: HTMLElement, ignore: Element, nodes: Iterable<Node>, added: WeakSet<Node>): PageList | null {
  const seen = new Set<Element>();
  let fr: DOMRect | null = null;
  let n = 0;
  for (const node of nodes) {
    if (++n > MAX_CHANGED) break;
    const e = node instanceof Element ? node : node.parentElement;
    if (!e || !e.isConnected || e === ignore || ignore.contains(e) || e === field || e.contains(field)) continue;
    // an item (or list) at or above the change; inside an added subtree only (a changed parent may be the whole page)
    const item = e.closest(ITEM_SEL) ?? (added.has(e) && e.childElementCount ? e.querySelector(ITEM_SEL) : null);
    const list = item ? (item.closest("[role=listbox], [role=menu], [role=tree]") ?? item.parentElement ?? item) : popupAncestor(e);
    if (!list || seen.has(list) || list.contains(field)) continue;
    seen.add(list);
    if (seen.size > 8) break;
    const r = visibleRect(list);
    fr ??= field.getBoundingClientRect();
    if (r && near(r, fr)) return { rect: r, aria: !!item, el: list };
  }
  return null;
}

/**
 * The page's list for `el`, if one is showing: the element its
 * aria-controls/-owns names (Angular Material, Carbon, Downshift), else a
 * list-like popup right below or above it (OpenMRS's diagnosis results).
 * `ignore` is our own overlay host.
 */
export function pageListFor(el: HTMLElement, ignore: Element): PageList | null {
  const byAria = ariaListFor(el);
  if (byAria) return byAria;
  const fr = el.getBoundingClientRect();
  if (fr.width === 0 && fr.height === 0) return null;
  const doc = el.ownerDocument;
  const win = doc.defaultView!;
  const xs = [fr.left + Math.min(12, fr.width / 2), fr.left + fr.width / 2];
  const ys = [fr.bottom + 6, fr.bottom + 20, fr.top - 8];
  const start = performance.now();
  for (const y of ys) {
    if (y < 0 || y > win.innerHeight) continue;
    for (const x of xs) {
      const hit = listAt(doc, x, y, el, ignore);
      if (hit) return hit;
      // Most likely points first; stop once the probe is dear (on a page of tens of thousands of
      // elements one hit test took 40-60 ms in Chromium and six of them blocked typing).
      if (performance.now() - start >= PROBE_BUDGET_MS) return null;
    }
  }
  return null;
}

/** Time a full probe may spend on hit tests before it gives up on the remaining points. */
export const PROBE_BUDGET_MS = 8;

function listAt(doc: Document, x: number, y: number, field: HTMLElement, ignore: Element): PageList | null {
  let stack: Element[] = [];
  probeStats.hitTests++;
  try {
    stack = doc.elementsFromPoint(x, y);
  } catch {
    return null;
  }
  for (const e of stack.slice(0, 6)) {
    if (e === ignore || ignore.contains(e) || e === field || e.contains(field)) continue;
    if (e === doc.body || e === doc.documentElement) return null;
    const item = e.closest(ITEM_SEL);
    if (item) {
      const list = item.closest("[role=listbox], [role=menu], [role=tree]") ?? item.parentElement ?? item;
      const r = visibleRect(list);
      if (r && near(r, field.getBoundingClientRect())) return { rect: r, aria: true, el: list };
    }
    // an un-ARIA'd popup: a positioned list (ul/ol or a *autocomplete*/*suggest* class) hugging the field
    const pop = popupAncestor(e);
    if (pop) {
      const r = visibleRect(pop);
      if (r && near(r, field.getBoundingClientRect())) return { rect: r, aria: false, el: pop };
    }
    return null; // only the topmost page element at that point counts
  }
  return null;
}

function popupAncestor(e: Element): Element | null {
  let n: Element | null = e;
  for (let i = 0; n && i < 5; i++, n = n.parentElement) {
    const cls = typeof n.className === "string" ? n.className : "";
    const listy = n.localName === "ul" || n.localName === "ol" || /autocomplete|suggest|typeahead|dropdown|results|listbox|menu/i.test(cls);
    if (!listy) continue;
    const pos = getComputedStyle(n).position;
    if (pos === "absolute" || pos === "fixed" || /autocomplete|suggest|typeahead|listbox/i.test(cls)) return n;
  }
  return null;
}

function near(list: DOMRect, field: DOMRect): boolean {
  const overlapX = Math.min(list.right, field.right) - Math.max(list.left, field.left) > 8;
  const below = list.top >= field.bottom - 6 && list.top <= field.bottom + 48;
  const above = list.bottom <= field.top + 6 && list.bottom >= field.top - 48;
  return overlapX && (below || above);
}
