// Knows the page's code-bearing fields. Cheap on big, churning pages:
// mutation callbacks only queue added nodes; classification runs in idle
// time in small slices; the focused field is always classified at once.
// One MutationObserver per root (the document and each shadow root found).
// A field the page relabels later (an SPA re-render changing its label,
// placeholder or aria-label on the same <input>) is classified again: its own
// label attributes and the text of its <label> are watched; any other change
// around it is caught when it gains focus (classifications carry the page's
// generation).

import type { FieldMapping } from "../shared/settings";
import { anyShadowRoot } from "../shared/platform";
import { classify, type FieldInfo, LabelIndex } from "./detect";
import { type Field, isTextField } from "./dom";

const FIELD_SELECTOR = "input, textarea";
const MAX_QUEUE = 4000;
/** attributes whose change may change what a field is (what detect.ts reads from the field itself) */
const LABEL_ATTRS = ["aria-label", "aria-labelledby", "aria-describedby", "aria-description", "placeholder", "title", "name", "id",
  "formcontrolname", "data-field", "list", "aria-controls", "maxlength", "type"];
/** the most relabelled fields kept to classify again (more: the next focus classifies each anew) */
const MAX_RELABEL = 4000;

type Root = Document | ShadowRoot;

export class Registry {
  private readonly infos = new WeakMap<Element, FieldInfo>();
  /** the page generation each classification was made in (a tree change bumps it) */
  private readonly gens = new WeakMap<Element, number>();
  private gen = 0;
  /** fields whose own label attributes or <label> text changed: classified again in idle time */
  private relabelled = new Set<Field>();
  /** recognised fields (kind != null); disconnected ones are dropped lazily */
  readonly known = new Set<Field>();
  private readonly roots = new Set<Root>();
  private readonly observers: MutationObserver[] = [];
  private queue: Node[] = [];
  /** next entry of `queue` to work on (shift() on a queue of 50,000 inputs copies it each time: quadratic) */
  private head = 0;
  private idlePending = false;
  private fullRescan = new Set<Root>();
  private readonly labels = new LabelIndex();
  /** performance counters (read by tests and the benchmark) */
  readonly stats = { classified: 0, idleSlices: 0, idleMs: 0, mutations: 0, roots: 0 };

  constructor(
    private mappings: () => readonly FieldMapping[],
    private readonly ignore: (n: Node) => boolean,
    private readonly onFound: (fields: Field[]) => void,
    /** the DOM changed somewhere (layout may have moved fields) */
    private readonly onChurn: () => void = () => undefined,
    /** a recognised field's value attribute was set by the page */
    private readonly onValueAttr: (field: Field) => void = () => undefined,
    /** a field classified before is now of another kind (or none): the page relabelled it */
    private readonly onRelabel: (field: Field, before: FieldInfo, now: FieldInfo) => void = () => undefined,
  ) {}

  /** Starts watching a document or shadow root (idempotent). */
  observe(root: Root): void {
    if (this.roots.has(root)) return;
    this.roots.add(root);
    this.stats.roots++;
    const mo = new MutationObserver((records) => this.onMutations(root, records));
    mo.observe(root, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["value", ...LABEL_ATTRS] });
    this.observers.push(mo);
    this.enqueue(root);
  }

  disconnect(): void {
    for (const mo of this.observers) mo.disconnect();
    this.observers.length = 0;
  }

  info(el: Field): FieldInfo {
    let i = this.infos.get(el);
    if (!i) {
      i = classify(el, this.mappings(), this.labels);
      this.spots.set(el, this.spotOf(el));
      this.stats.classified++;
      this.infos.set(el, i);
      this.gens.set(el, this.gen);
      if (i.kind) this.known.add(el);
    }
    return i;
  }

  /**
   * The field's kind as the page stands now: classified again when the page changed since (a focused
   * field whose label an SPA re-rendered). Tells onRelabel when the kind or role changed.
   */
  current(el: Field): FieldInfo {
    const had = this.infos.get(el);
    if (had && (this.gens.get(el) !== this.gen || this.moved(el))) return this.again(el, had);
    return this.info(el);
  }

  /** where each field was when classified (page coordinates) */
  private readonly spots = new WeakMap<Field, string>();

  private spotOf(el: Field): string {
    const r = el.getBoundingClientRect();
    const w = el.ownerDocument.defaultView;
    return `${Math.round(r.left + (w?.scrollX ?? 0))},${Math.round(r.top + (w?.scrollY ?? 0))},${r.width > 0}`;
  }

  /**
   * The field moved since it was classified: a spreadsheet grid's one floating editor (Handsontable's
   * textarea) is moved over another cell by style alone (no mutation we watch), and its kind is its cell's column.
   */
  moved(el: Field): boolean {
    const was = this.spots.get(el);
    return was !== undefined && was !== this.spotOf(el);
  }

  private again(el: Field, before: FieldInfo): FieldInfo {
    this.infos.delete(el);
    this.known.delete(el);
    const now = this.info(el);
    if (now.kind !== before.kind || JSON.stringify(now.role) !== JSON.stringify(before.role)) this.onRelabel(el, before, now);
    return now;
  }

  /** Forget every classification (mappings changed) and classify again. */
  reclassify(): Field[] {
    const out: Field[] = [];
    this.labels.invalidate();
    for (const el of Array.from(this.known)) {
      this.infos.delete(el);
      this.known.delete(el);
    }
    for (const root of this.roots) {
      for (const el of Array.from(root.querySelectorAll(FIELD_SELECTOR))) {
        if (!isTextField(el)) continue;
        this.infos.delete(el);
        if (this.info(el).kind) out.push(el);
      }
    }
    return out;
  }

  /** Every shadow root on the path to `el` (open or closed) gets observed. */
  noteRootsOf(el: Element): void {
    let node: Node = el;
    for (let i = 0; i < 32; i++) {
      const root = node.getRootNode();
      if (root instanceof ShadowRoot) {
        this.observe(root);
        node = root.host;
      } else {
        if (root instanceof Document) this.observe(root);
        break;
      }
    }
  }

  /** Still classifying what was added to the page: `known` may not hold every field yet. */
  scanning(): boolean {
    return this.pending() > 0 || this.fullRescan.size > 0;
  }

  private pending(): number {
    return this.queue.length - this.head;
  }

  connectedKnown(): Field[] {
    const out: Field[] = [];
    for (const el of this.known) {
      if (el.isConnected) out.push(el);
      else this.known.delete(el);
    }
    return out;
  }

  private onMutations(root: Root, records: MutationRecord[]): void {
    this.stats.mutations += records.length;
    let tree = false;
    let text = false;
    for (const r of records) {
      if (r.type === "attributes") {
        if (r.attributeName === "value") {
          if (this.known.has(r.target as Field)) this.onValueAttr(r.target as Field);
        } else if (this.infos.has(r.target as Element)) {
          text = true;
          this.relabel(r.target);
        }
        continue;
      }
      // our own overlay (its live region is light DOM) changes on every keystroke: not page churn
      if (this.ignore(r.target) || (r.target.parentNode && this.ignore(r.target.parentNode))) continue;
      text = true;
      if (r.type === "childList") tree = true;
      // the text of a <label> changed: its field may now be another kind
      const at = r.target.nodeType === 1 ? r.target as Element : r.target.parentElement;
      const label = at?.closest("label");
      if (label) this.relabel(label.control ?? label.querySelector(FIELD_SELECTOR));
    }
    if (text) {
      this.gen++;
      this.labels.invalidate();
    }
    if (!tree) return;
    this.onChurn();
    if (this.fullRescan.has(root)) return;
    for (const r of records) {
      if (r.type === "attributes") continue;
      for (const n of Array.from(r.addedNodes)) {
        if (n.nodeType !== 1 || this.ignore(n)) continue;
        if (this.pending() >= MAX_QUEUE) {
          // too much churn to track node by node: rescan this root once, later
          this.queue = this.queue.slice(this.head).filter((q) => q.getRootNode() !== root);
          this.head = 0;
          this.fullRescan.add(root);
          this.enqueue(root);
          return;
        }
        this.queue.push(n);
      }
    }
    this.schedule();
  }

  /** A field classified before whose label may have changed: classified again in the next idle slice. */
  private relabel(el: Node | null): void {
    if (!el || !isTextField(el) || !this.infos.has(el) || this.relabelled.size >= MAX_RELABEL) return;
    this.relabelled.add(el);
    this.schedule();
  }

  private enqueue(n: Node): void {
    this.queue.push(n);
    this.schedule();
  }

  private schedule(): void {
    if (this.idlePending || (!this.pending() && !this.relabelled.size)) return;
    this.idlePending = true;
    const ric = (globalThis as { requestIdleCallback?: typeof requestIdleCallback }).requestIdleCallback;
    if (ric) ric((d) => this.work(() => d.timeRemaining()), { timeout: 1000 });
    else setTimeout(() => {
      const end = performance.now() + 8;
      this.work(() => end - performance.now());
    }, 50);
  }

  /** One idle slice: expand queued subtrees into fields/shadow hosts, classify. */
  private work(remaining: () => number): void {
    this.idlePending = false;
    const t0 = performance.now();
    this.stats.idleSlices++;
    const found: Field[] = [];
    for (const el of this.relabelled) {
      if (remaining() <= 1) break;
      this.relabelled.delete(el);
      const had = this.infos.get(el);
      if (had && el.isConnected) {
        const now = this.again(el, had);
        if (now.kind && !had.kind) found.push(el);
      }
    }
    while (this.head < this.queue.length && remaining() > 1) {
      const n = this.queue[this.head++]!;
      if (n instanceof Document || n instanceof ShadowRoot) this.fullRescan.delete(n);
      if (!n.isConnected) continue;
      this.expand(n, found, remaining);
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.stats.idleMs += performance.now() - t0;
    if (found.length) this.onFound(found);
    if (this.pending() || this.relabelled.size) this.schedule();
  }

  private expand(n: Node, found: Field[], remaining: () => number): void {
    if (n instanceof Element && isTextField(n)) {
      if (this.info(n).kind) found.push(n);
      return;
    }
    if (!(n instanceof Element || n instanceof Document || n instanceof ShadowRoot || n instanceof DocumentFragment)) return;
    const parent = n as ParentNode;
    // fields: classify as many as fit, queue the rest
    const fields = parent.querySelectorAll(FIELD_SELECTOR);
    const hosts: Element[] = [];
    const list = Array.from(fields);
    for (let i = 0; i < list.length; i++) {
      if (i % 8 === 7 && remaining() <= 1) {
        // a loop, not push(...rest): spreading a few hundred thousand inputs overflows the call stack
        for (let j = i; j < list.length; j++) this.queue.push(list[j]!);
        break;
      }
      const el = list[i]!;
      if (isTextField(el) && this.info(el).kind) found.push(el);
    }
    // shadow hosts: open roots on any element, closed ones on custom elements
    if (n instanceof Element && (n.shadowRoot || n.localName.includes("-"))) hosts.push(n);
    const custom = parent.querySelectorAll("*");
    for (const el of Array.from(custom)) {
      if (el.shadowRoot || (el.localName.includes("-") && !this.ignore(el))) hosts.push(el);
    }
    for (const h of hosts) {
      if (this.ignore(h)) continue;
      const root = anyShadowRoot(h);
      if (root) this.observe(root);
    }
  }
}
