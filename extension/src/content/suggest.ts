// Autocomplete under diagnosis and procedure fields: results as the user
// types, keyboard-first (↑ ↓ Enter Tab Esc), mouse too. Inserts only what the
// user picks (in a form the field can hold: insert.ts); Esc leaves the typed
// text as it is. Beside a page's own autocomplete: never over its list, its
// keys stay its own while its list shows (Alt+↓ hands them to ours), and its
// ARIA attributes are never touched.

import type { FieldKind, SearchHit } from "../shared/engine-api";
import { type Platform, rpcTiming } from "../shared/platform";
import type { HitOptions } from "../shared/protocol";
import type { InsertFormat } from "../shared/settings";
import { insertInto, rectOf, segmentOf, type Target } from "./editable";
import { ListView } from "./listview";
import type { Overlay } from "./overlay";
import { ariaListFor, isPageCombobox, MAX_CHANGED, type PageList, pageListAmong, pageListFor, probeStats, remeasure } from "./pagelist";

export interface SuggestDeps {
  overlay: Overlay;
  request: Platform["request"];
  insertFormat(): InsertFormat;
  onInserted(field: Target, code: string): void;
  /** say something next to the field (a code that did not fit, a page that changed it) */
  note(field: Target, text: string): void;
  /** fields with the page's own autocomplete: ours beside it, or only on Alt+↓ */
  pageAutocomplete(): "beside" | "hotkey";
  /** chip options for diagnosis suggestions (undefined: chips off) */
  severity?(): HitOptions | undefined;
}

/** fields a page list was seen anchored to (remembered across focus) */
const anchored = new WeakSet<Target>();

/** the listbox's CSS width is min(640px, 100vw - 16px) (styles.ts) */
const LIST_MAX_WIDTH = 640;

interface Geometry { field: DOMRect; origin: DOMRect; vw: number; vh: number }

export type KeyResult = "ignored" | "handled" | "handled-default"; // handled-default: let the browser act too (Tab)

const SUGGEST_KINDS = new Set<FieldKind>(["dx", "proc", "pcs"]);
export const suggestsFor = (k: FieldKind | null): boolean => k !== null && SUGGEST_KINDS.has(k);

export class Suggest {
  private field: Target | null = null;
  /** our own insert is running */
  private inserting = false;
  private kind: FieldKind = "dx";
  private seq = 0;
  private readonly view: ListView;
  private savedAria: [string, string | null, string][] = [];
  /** the field has an autocomplete of its own */
  private pageCombo = false;
  /** Alt+↓ pressed: our list takes the arrow keys even while the page's list shows */
  private keysOurs = false;
  private follow: ReturnType<typeof setInterval> | null = null;
  /**
   * While our list shows: what the page added or changed since the follow timer last looked (its own
   * list opening, moving or closing is such a change), so the timer looks only there instead of
   * hit-testing around the field 5 times a second.
   */
  private watch: MutationObserver | null = null;
  private changed = new Set<Node>();
  /** of those, the ones added (a new subtree is searched for list items; a changed parent is not) */
  private added = new WeakSet<Node>();
  /** more changes than are looked at one by one: the next look is a full probe (at most once a second) */
  private churnOverflow = false;
  private lastFullProbe = 0;
  /** the page's list as last probed (hit-testing a big page is not for the keystroke path) */
  private theirs: PageList | null = null;
  /** our list's size as last measured off the keystroke path */
  private size = { w: 0, h: 200 };
  /** a render ran in this animation frame; `queued` waits for the next one */
  private frameBusy = false;
  private queued: { hits: SearchHit[]; q: string } | null = null;
  /** when the last shown answer was asked for and arrived, and the background's own time on it (-1: unknown) */
  private times: [number, number, number] = [0, 0, -1];
  /** the last announcement (a keystroke that changes nothing says nothing) */
  private said = "";
  isOpen = false;

  constructor(private readonly d: SuggestDeps) {
    this.view = new ListView(d.overlay, (i) => this.accept(i), "↑↓ choose · Enter/Tab insert · Esc keep what you typed");
    this.view.el.hidden = true;
    d.overlay.layer.append(this.view.el);
  }

  get current(): Target | null {
    return this.field;
  }

  focus(field: Target, kind: FieldKind): void {
    if (field !== this.field) {
      this.close();
      this.pageCombo = isPageCombobox(field) || anchored.has(field);
    }
    this.field = field;
    this.kind = kind;
  }

  /** The page's own list for the current field, if it shows now. */
  pageList(): PageList | null {
    if (!this.field) return null;
    return pageListFor(this.field, this.d.overlay.host);
  }

  blur(field: Target): void {
    if (field === this.field) {
      this.close();
      this.field = null;
    }
  }

  /** After a trusted input event in the focused field. */
  async update(field: Target): Promise<void> {
    if (field !== this.field || this.inserting) return;
    const seq = ++this.seq;
    const q = segmentOf(field).text.trim();
    if (q.length < 2) {
      this.close();
      return;
    }
    // the page has its own autocomplete and the user wants ours only on request
    if (this.pageCombo && !this.keysOurs && this.d.pageAutocomplete() === "hotkey") return;
    let hits: SearchHit[];
    const asked = performance.now();
    try {
      const severity = this.kind === "dx" ? this.d.severity?.() : undefined;
      hits = await this.d.request({ type: "search", query: q, system: this.kind === "dx" ? "icd10cm" : this.kind === "pcs" ? "icd10pcs" : "proc", limit: 8, ...(severity ? { severity } : {}) });
    } catch {
      return; // background unavailable (extension updated or reloading): stay quiet
    }
    // drop stale answers: the user typed on, left the field, or pressed Esc
    if (seq !== this.seq || this.field !== field) return;
    // (case-insensitive: portals often upper-case what is typed after our listener ran)
    if (segmentOf(field).text.trim().toUpperCase() !== q.toUpperCase()) return;
    if (!hits.length && this.kind === "proc" && /^\d/.test(q)) {
      this.close(); // CPT codes are not bundled (AMA licence): nothing to suggest
      return;
    }
    this.times = [asked, performance.now(), rpcTiming.workerMs];
    this.show(hits, q);
  }

  /**
   * One render per animation frame: an answer that arrives while this frame
   * already has a render waits for the next frame (and a newer one replaces it).
   */
  private show(hits: SearchHit[], q: string): void {
    const doc = this.d.overlay.host.ownerDocument;
    if (this.frameBusy && !doc.hidden) {
      this.queued = { hits, q };
      return;
    }
    this.frameBusy = true;
    doc.defaultView!.requestAnimationFrame(() => {
      this.frameBusy = false;
      const next = this.queued;
      this.queued = null;
      if (next) this.show(next.hits, next.q);
    });
    this.paint(hits, q);
  }

  private paint(hits: SearchHit[], q: string): void {
    // Opening: read the geometry before writing anything (no layout is forced after
    // our writes). Already open: no layout read at all. On a churning page a read
    // here would force the page's pending style and layout into the keystroke's
    // task; the list's place is kept by position() at the start of frames
    // (scroll, resize, page churn, the follow timer).
    const geo = this.isOpen && this.view.el.isConnected ? null : this.geometry();
    this.d.overlay.ensure();
    this.view.render(hits, q);
    this.view.el.hidden = false;
    this.isOpen = true;
    if (geo) this.place(geo, this.theirs);
    // the page's list may open or move later: probe for it off the keystroke path,
    // at the start of a frame (the layout it forces is the one the frame needs anyway)
    if (!this.follow) {
      this.positionSoon(true);
      this.follow = setInterval(() => this.positionSoon("follow"), 200);
      this.watchPage();
    }
    if (!this.pageCombo && this.savedAria.length === 0) this.setAria(true);
    const say = hits.length ? `${hits.length} suggestion${hits.length === 1 ? "" : "s"}; down arrow to choose` : "No matching codes";
    if (say !== this.said) this.d.overlay.announce(say); // the same words again tell nothing new
    this.said = say;
    // for the keystroke benchmark: request sent, answer in, rendered (performance.now(), ms)
    this.view.el.dataset.timing = `${this.times[0].toFixed(1)},${this.times[1].toFixed(1)},${performance.now().toFixed(1)},${this.times[2]}`;
  }

  /** Where the field and the overlay are now (layout reads only). */
  private geometry(): Geometry | null {
    const f = this.field;
    if (!f || !f.isConnected) return null;
    const win = f.ownerDocument.defaultView!;
    return {
      field: rectOf(f),
      origin: this.d.overlay.host.getBoundingClientRect(),
      vw: f.ownerDocument.documentElement.clientWidth || win.innerWidth,
      vh: win.innerHeight,
    };
  }

  private positionPending = false;
  private pendingProbe: boolean | "follow" = false;

  /** position() in the next animation frame (at most once a frame; a full probe wins over a follow). */
  positionSoon(probe: boolean | "follow" = true): void {
    if (!this.isOpen) return;
    if (probe === true || this.pendingProbe === false) this.pendingProbe = probe;
    if (this.positionPending) return;
    this.positionPending = true;
    this.d.overlay.host.ownerDocument.defaultView!.requestAnimationFrame(() => {
      this.positionPending = false;
      const p = this.pendingProbe;
      this.pendingProbe = false;
      this.position(p);
    });
  }

  /** Records what the page changes while our list shows (our overlay's own changes aside). */
  private watchPage(): void {
    const doc = this.d.overlay.host.ownerDocument;
    const host = this.d.overlay.host;
    this.watch ??= new MutationObserver((records) => {
      if (this.churnOverflow) return;
      for (const r of records) {
        if (r.target === host || host.contains(r.target)) continue;
        if (this.changed.size >= MAX_CHANGED) {
          this.churnOverflow = true;
          this.changed.clear();
          return;
        }
        this.changed.add(r.target);
        for (const a of Array.from(r.addedNodes)) {
          if (a.nodeType === 1 && this.changed.size < MAX_CHANGED) {
            this.changed.add(a);
            this.added.add(a);
          }
        }
      }
    });
    this.watch.observe(doc, { childList: true, subtree: true, attributes: true, attributeFilter: ["class", "style", "hidden", "open", "aria-expanded"] });
  }

  /**
   * Off the keystroke path: measures our list and finds the page's. `true` (the list opening, scroll,
   * resize): a full probe, hit tests around the field included. `"follow"` (the 200 ms timer) and
   * `false` (page churn): no hit test — the list found before is measured again, else the field's
   * ARIA references and the elements the page changed since are looked at.
   */
  position(probe: boolean | "follow" = true): void {
    if (!this.isOpen || !this.field) return;
    if (!this.field.isConnected) {
      this.close();
      return;
    }
    const t0 = performance.now();
    const geo = this.geometry()!;
    this.size = { w: this.view.el.offsetWidth || this.size.w, h: this.view.el.offsetHeight || this.size.h };
    const now = performance.now();
    if (probe === true || (this.churnOverflow && now - this.lastFullProbe >= 1000)) {
      this.lastFullProbe = now;
      this.churnOverflow = false;
      this.changed.clear();
      this.theirs = this.pageList();
    } else {
      const changed = this.changed;
      this.changed = new Set();
      this.theirs = (this.theirs && remeasure(this.theirs, this.field)) ?? ariaListFor(this.field) ??
        (changed.size ? pageListAmong(this.field, this.d.overlay.host, changed, this.added) : null);
    }
    probeStats.probeMs += performance.now() - now;
    // for the tests and the benchmark: hit tests so far, time spent finding the page's list, whole position() time
    probeStats.positionMs += performance.now() - t0;
    this.view.el.dataset.probe = `${probeStats.hitTests},${probeStats.probeMs.toFixed(2)},${probeStats.positionMs.toFixed(2)}`;
    if (this.theirs && this.field) { // a list anchored to the field: it has an autocomplete of its own
      this.pageCombo = true;
      anchored.add(this.field);
    }
    this.place(geo, this.theirs);
  }

  /** Writes only: puts our list below (or above) the field, or beside the page's list. */
  private place(geo: Geometry, theirs: PageList | null): void {
    const { field: r, origin, vw, vh } = geo;
    const h = this.size.h;
    const w = this.size.w || Math.min(LIST_MAX_WIDTH, vw - 16); // measured, else its CSS width
    const style = this.view.el.style;
    const beside = theirs ? "page-list" : "";
    if (this.view.el.dataset.beside !== beside) this.view.el.dataset.beside = beside;
    let x: number, y: number; // viewport coordinates
    if (theirs) {
      // beside the page's list, never over it: right, else left, else below it, else above the field
      const t = theirs.rect;
      if (t.right + 6 + w <= vw) [x, y] = [t.right + 6, Math.max(0, t.top)];
      else if (t.left - 6 - w >= 0) [x, y] = [t.left - 6 - w, Math.max(0, t.top)];
      else if (t.bottom + 4 + h <= vh || t.top < r.top) [x, y] = [Math.max(0, Math.min(r.left, vw - w)), Math.max(t.bottom, r.bottom) + 4];
      else [x, y] = [Math.max(0, Math.min(r.left, vw - w)), Math.min(t.top, r.top) - h - 4];
      setStyle(style, "bottom", "");
    } else {
      x = Math.max(0, Math.min(r.left, vw - w - 4));
      const below = vh - r.bottom;
      if (below < h + 8 && r.top > h + 8) {
        // above the field: anchored by its bottom edge, so the list's own height need not be known
        setStyle(style, "top", "");
        setStyle(style, "bottom", `${origin.top - r.top + 2}px`);
        setStyle(style, "left", `${x - origin.left}px`);
        return;
      }
      y = r.bottom + 2;
      setStyle(style, "bottom", "");
    }
    setStyle(style, "left", `${x - origin.left}px`);
    setStyle(style, "top", `${y - origin.top}px`);
  }

  onKeyDown(e: KeyboardEvent): KeyResult {
    if (!this.field) return "ignored";
    if (e.key === "ArrowDown" && e.altKey) {
      this.keysOurs = true;
      if (!this.isOpen) void this.update(this.field);
      else if (this.view.active < 0) this.view.move(1);
      return "handled";
    }
    if (!this.isOpen) return "ignored";
    // the page's own list shows: its keys are its own (ours stays clickable beside it)
    if (!this.keysOurs && (e.key === "Escape" || /^(Arrow|Page|Home|End|Enter|Tab)/.test(e.key))) {
      if ((this.pageCombo && e.key === "Escape") || this.pageList()) {
        this.pageCombo = true;
        anchored.add(this.field);
        if (e.key === "Escape" || e.key === "Enter" || e.key === "Tab") this.close();
        return "ignored";
      }
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
        return this.pageCombo ? "ignored" : "handled"; // the page may close or clear its own things too
      default:
        return "ignored";
    }
  }

  accept(i: number): void {
    const field = this.field;
    const hit = this.view.hits[i];
    if (!field || !hit) return;
    const seg = segmentOf(field);
    this.close();
    // (a rich-text box's insert is typing to the browser: its input event is trusted and is not a query)
    this.inserting = true;
    let r: ReturnType<typeof insertInto>;
    try {
      r = insertInto(field, hit.code, this.d.insertFormat(), seg, (note) => {
        if (note) this.d.note(field, note);
      });
    } finally {
      this.inserting = false;
    }
    if (!r.ok) {
      this.d.note(field, r.note ?? `${hit.code} not inserted`);
      return;
    }
    this.d.overlay.announce(`Inserted ${r.inserted}, ${hit.title}`);
    this.d.onInserted(field, hit.code);
  }

  close(): void {
    this.seq++; // cancels answers in flight
    this.queued = null;
    this.said = "";
    if (this.isOpen) this.setAria(false);
    this.isOpen = false;
    this.keysOurs = false;
    this.theirs = null;
    if (this.follow) clearInterval(this.follow);
    this.follow = null;
    this.watch?.disconnect();
    this.changed.clear();
    this.churnOverflow = false;
    this.view.el.hidden = true;
  }

  /**
   * aria-expanded/-autocomplete on a plain input only while our list is open.
   * Put back only what is still ours: a value the page set meanwhile is live
   * and stays (never restore a stale copy). Page comboboxes are never touched.
   */
  private setAria(open: boolean): void {
    const f = this.field;
    if (!f) return;
    if (open) {
      const ours: [string, string][] = [["aria-expanded", "true"], ["aria-autocomplete", "list"]];
      this.savedAria = ours.map(([a, v]) => [a, f.getAttribute(a), v]);
      for (const [a, v] of ours) f.setAttribute(a, v);
    } else {
      for (const [a, before, ours] of this.savedAria) {
        if (f.getAttribute(a) !== ours) continue; // the page changed it since: its value is the live one
        before === null ? f.removeAttribute(a) : f.setAttribute(a, before);
      }
      this.savedAria = [];
    }
  }
}

/** Writes an inline style only when it changes (an unchanged position costs no style work). */
function setStyle(style: CSSStyleDeclaration, prop: "left" | "top" | "bottom", value: string): void {
  if (style[prop] !== value) style[prop] = value;
}
