// Puts the content-script pieces together for one document (each frame runs
// its own copy). DOM work and messaging only: the engine is in the background.

import type { FieldKind, Issue } from "../shared/engine-api";
import { platform, type Platform } from "../shared/platform";
import type { PageDiagnoses, ToContent } from "../shared/protocol";
import { DEFAULT_SETTINGS, KEYS, loadSettings, pushRecent, saveSettings, type Settings, severityPrefs, siteKey } from "../shared/settings";
import { severityOptions } from "../../../types/severity-chips";
import { isoDate } from "./claim";
import { SeveritySummary, diagnosesOf } from "./sevsummary";
import { Badges } from "./badges";
import { Checker } from "./checker";
import { classify, type FieldInfo, LabelIndex } from "./detect";
import { editingHost, type Target } from "./editable";
import { deepActiveElement, type Field, isTextField, isWritable, realTarget, selectorFor } from "./dom";
import { dischargeStatus } from "./disposition";
import { insertCode } from "./insert";
import { Notes } from "./notes";
import { Overlay } from "./overlay";
import { Palette } from "./palette";
import { insertFromPanel, panelTarget } from "./panel-insert";
import { Registry } from "./registry";
import { Suggest, suggestsFor } from "./suggest";
import { TextLookup } from "./textlookup";

const WARM_EVERY_MS = 20_000;
/** values the page sets by script (no input event): swept round-robin, a bounded batch per tick */
const SWEEP_EVERY_MS = 500;
const SWEEP_BATCH = 1500;

export async function start(doc: Document, p: Platform = platform()): Promise<void> {
  const win = doc.defaultView!;
  let settings: Settings = DEFAULT_SETTINGS;
  try {
    settings = await loadSettings(p);
  } catch {
    /* storage unavailable: defaults */
  }
  const site = pageSite(win);
  const mappings = () => settings.mappings[site] ?? [];
  let alive = true;

  const request: Platform["request"] = async (msg) => {
    if (!alive) throw new Error("medcode stopped");
    try {
      return await p.request(msg);
    } catch (e) {
      if (/context invalidated/i.test(String(e))) stop(); // the extension was updated or removed
      throw e;
    }
  };

  const overlay = new Overlay(doc);
  overlay.ensure();
  const notes = new Notes(overlay);
  const note = (field: Target, text: string) => {
    badges.closePop();
    notes.show(field, text);
  };
  const insertFormat = () => settings.insertFormat;
  const pageAutocomplete = () => settings.pageAutocomplete?.[site] ?? "beside";
  /** last value seen per code field: a change nobody typed is checked (sweep below) */
  const seen = new WeakMap<Field, string>();
  const onInserted = (field: Target, code: string) => {
    void pushRecent(p, code).catch(() => undefined);
    if (isTextField(field)) checker.touch([field], 0);
  };
  // layout may move fields when the page changes: re-place badges, at most 4 times a second,
  // at the start of a frame (their layout reads then cost no extra layout)
  let churnTimer: ReturnType<typeof setTimeout> | null = null;
  const onChurn = () => {
    summary.pageChanged();
    if (churnTimer) return;
    churnTimer = setTimeout(() => {
      churnTimer = null;
      onLayout(false);
    }, 250);
  };
  const onFound = (found: Field[]) => {
    for (const f of found) seen.set(f, f.value);
    checker.touch(found.filter((f) => f.value.trim()));
  };
  const onValueAttr = (f: Field) => {
    if (seen.get(f) === f.value) return;
    seen.set(f, f.value);
    checker.touch([f]);
  };
  // the page relabelled a field (an SPA re-render on the same <input>): its badge, checks and suggestions follow
  const onRelabel = (f: Field, _before: FieldInfo, now: FieldInfo) => {
    if (!now.kind) badges.clear(f);
    if (suggest.current === f || deepActiveElement(doc) === f) {
      if (suggestsFor(now.kind)) suggest.focus(f, now.kind as FieldKind);
      else suggest.blur(f);
    }
    checker.touch(now.kind && f.value.trim() ? [f] : []);
  };
  const registry = new Registry(mappings, (n) => n === overlay.host, onFound, onChurn, onValueAttr, onRelabel);
  const badges = new Badges({
    overlay,
    applyFix(field: Field, issue: Issue) {
      if (!issue.suggestion || !field.isConnected || !isWritable(field)) return;
      const kind = registry.info(field).kind;
      field.focus();
      const code = issue.suggestion;
      const fmt = kind === "dx" ? settings.insertFormat : "dotted";
      const r = insertCode(field, code, fmt, 0, field.value.length, (n) => {
        if (n) note(field, n);
        checker.touch([field], 0);
      });
      if (!r.ok) note(field, r.note ?? `${code} not inserted`);
      checker.touch([field], 0);
    },
  });
  // MS-DRG/HCC: the page's date of service (line 24A from) picks the version; read after each check
  let pageDate: string | undefined;
  const summary = new SeveritySummary({ overlay, request, prefs: () => severityPrefs(settings), pageDied: () => dischargeStatus(doc)?.died ?? null, scanning: () => registry.scanning() });
  const onChecked = (known: Field[], info: (f: Field) => FieldInfo) => {
    const dos = known.find((k) => { const r = info(k).role; return r?.k === "line" && r.part === "from" && k.value.trim(); });
    pageDate = dos ? isoDate(dos.value) : undefined;
    void summary.update(known, info, pageDate);
  };
  const chipOptions = () => {
    const prefs = severityPrefs(settings);
    return prefs.chips ? severityOptions(prefs, pageDate) : undefined;
  };
  const checker = new Checker({ registry, badges, request, settings: () => settings, onChecked });
  const suggest = new Suggest({ overlay, request, insertFormat, onInserted, note, pageAutocomplete, severity: chipOptions });
  const palette = new Palette({
    overlay, request, insertFormat, onInserted, note,
    isCodeField: (f) => suggestsFor(registry.info(f).kind),
    severity: chipOptions,
    onOpen: () => {
      badges.closePop();
      suggest.close();
      lookup.hide();
    },
  });
  const lookup = new TextLookup({ overlay, request, enabled: () => settings.pageLookup });

  let lastWarm = 0;
  let lastContext: Element | null = null;

  const inOverlay = (e: Event) => e.composedPath().includes(overlay.host);

  const onFocusIn = (e: FocusEvent) => {
    if (!inOverlay(e)) focusField(realTarget(e));
  };
  /** rich-text boxes classified on focus (not tracked by the registry: they get suggestions, not checks) */
  const labelsForEditables = new LabelIndex();
  const focusEditable = (host: HTMLElement) => {
    notes.focused(host);
    labelsForEditables.invalidate(); // classified anew on each focus: a relabelled box follows its label
    const kind = classify(host, mappings(), labelsForEditables).kind;
    if (suggestsFor(kind)) suggest.focus(host, kind as FieldKind);
    else suggest.blur(suggest.current ?? host);
  };
  /** the element our last focusin (or the start-up check) was for */
  let focusedField: Element | null = null;
  const focusField = (el: Element | null) => {
    focusedField = el;
    if (!isTextField(el)) {
      const host = editingHost(el);
      if (host) focusEditable(host);
      return;
    }
    notes.focused(el);
    registry.noteRootsOf(el);
    // (classified again if the page changed since: a label re-rendered on the same input)
    const info = registry.current(el);
    if (!info.kind) return;
    if (suggestsFor(info.kind)) {
      const prev = suggest.current;
      suggest.focus(el, info.kind as FieldKind);
      // the page replaced the field being typed in and focused the new one (a framework mounting a new
      // <input> per keystroke): the typing goes on there, and so do the suggestions
      // (typing only: after our own insert the page may replace the field too, and nothing is to be suggested)
      if (prev && isTextField(prev) && prev !== el && !prev.isConnected && lastTyped?.el === prev && lastTyped.value === prev.value &&
        el.value.trim() && sameTyping(prev.value, el.value)) void suggest.update(el);
    }
    if (Date.now() - lastWarm > WARM_EVERY_MS) {
      lastWarm = Date.now();
      void request({ type: "warm" }).catch(() => undefined);
    }
  };
  const onFocusOut = () => {
    const cur = suggest.current;
    if (!cur) return;
    queueMicrotask(() => {
      if (!cur.contains(deepActiveElement(doc))) {
        suggest.blur(cur);
        if (isTextField(cur) && registry.info(cur).kind) checker.touch([cur]);
      }
    });
  };
  /** the field and value of the last input the user typed */
  let lastTyped: { el: Field; value: string } | null = null;
  const onInput = (e: Event) => {
    if (!e.isTrusted || inOverlay(e)) return;
    const el = realTarget(e);
    if (!isTextField(el)) {
      // typing in a rich-text box: the input event fires at its editing host
      const host = editingHost(el);
      if (host && host === suggest.current) void suggest.update(host);
      return;
    }
    // typing in a field whose focusin never reached us (a page listener stopped it before ours), or a floating
    // grid editor moved to another cell while it kept the focus: classified as it stands now. (Not on every
    // key: what the user types into a field never changes its kind.)
    if ((el !== focusedField && el === deepActiveElement(doc)) || registry.moved(el)) focusField(el);
    lastTyped = { el, value: el.value };
    notes.edited(el);
    if (el === suggest.current) void suggest.update(el);
    if (registry.known.has(el)) {
      seen.set(el, el.value);
      checker.touch([el], 800, true);
    }
  };
  /**
   * Typing that an editor with its own model takes (Slate, Lexical, CKEditor 5 cancel the trusted
   * `beforeinput` and render the text themselves): no input event follows, so the suggestions follow the
   * render instead.
   */
  const onBeforeInput = (e: Event) => {
    if (!e.isTrusted || inOverlay(e)) return;
    const host = editingHost(realTarget(e));
    if (!host || host !== suggest.current) return;
    setTimeout(() => {
      if (e.defaultPrevented && host === suggest.current) void suggest.update(host);
    }, 30);
  };
  // values set by script with no event (a claim loaded from the server, a framework
  // re-render, an SPA route): a round-robin sweep over recognised fields, bounded per tick
  let sweepIter: Iterator<Field> | null = null;
  const sweep = () => {
    if (!alive || doc.hidden) return;
    const active = deepActiveElement(doc);
    const changed: Field[] = [];
    sweepIter ??= registry.known.values();
    for (let n = 0; n < SWEEP_BATCH; n++) {
      const r = sweepIter.next();
      if (r.done) {
        sweepIter = null;
        break;
      }
      const f = r.value;
      if (f === active || !f.isConnected) continue; // typing is followed by input events
      const v = f.value;
      const prev = seen.get(f);
      if (prev === v) continue;
      seen.set(f, v);
      if (prev !== undefined || v.trim()) changed.push(f);
    }
    if (changed.length) checker.touch(changed);
  };
  const sweepTimer = setInterval(sweep, SWEEP_EVERY_MS);
  const onRoute = () => {
    sweepIter = null;
    setTimeout(sweep, 50);
  };
  const onChange = (e: Event) => {
    const el = realTarget(e);
    if (isTextField(el) && registry.known.has(el)) checker.touch([el]);
    // any other control (a discharge status list, radio group or box): the claim line's "patient died" follows it
    else if (el instanceof HTMLSelectElement || el instanceof HTMLInputElement) summary.refresh();
  };
  const onPointerDown = (e: Event) => {
    if (inOverlay(e)) return;
    badges.closePop(); // a click anywhere else closes the badge's popover
    lookup.onMouseDown();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      lookup.hide();
      badges.closePop();
      notes.hide();
    }
    if (inOverlay(e) || !suggest.current) return;
    const active = deepActiveElement(doc);
    if (active !== suggest.current && !(active && editingHost(active) === suggest.current)) return;
    const r = suggest.onKeyDown(e);
    if (r !== "handled") return; // "handled-default" (Tab): the page and the browser still get the key
    e.stopImmediatePropagation();
    e.preventDefault();
  };
  let layoutPending = false;
  let layoutProbe = false;
  /**
   * Re-places what we show at the start of the next frame. `probe`: also look
   * for the page's own list under the field (hit tests). Page churn does not
   * probe (a churning page would pay hit tests 4 times a second for nothing):
   * while our list shows, its follow timer probes 5 times a second anyway.
   */
  const onLayout = (probe: boolean | Event = true) => {
    layoutProbe ||= probe !== false;
    if (layoutPending) return;
    layoutPending = true;
    requestAnimationFrame(() => {
      layoutPending = false;
      const p = layoutProbe;
      layoutProbe = false;
      suggest.position(p);
      badges.reposition();
      notes.position();
      summary.position();
    });
  };
  const onScroll = () => {
    lookup.hide();
    onLayout();
  };
  const onContextMenu = (e: MouseEvent) => {
    lastContext = realTarget(e);
  };
  // the field a code chosen in the popup/side panel goes into (the popup takes the page's focus)
  let panelField: Field | null = null;
  const onFocusForPanel = (e: FocusEvent) => {
    const el = inOverlay(e) ? null : realTarget(e);
    if (isTextField(el)) panelField = el;
  };

  win.addEventListener("focusin", onFocusIn, true);
  win.addEventListener("focusin", onFocusForPanel, true);
  win.addEventListener("focusout", onFocusOut, true);
  win.addEventListener("input", onInput, true);
  win.addEventListener("beforeinput", onBeforeInput, true);
  win.addEventListener("change", onChange, true);
  win.addEventListener("keydown", onKeyDown, true);
  win.addEventListener("scroll", onScroll, { capture: true, passive: true });
  win.addEventListener("resize", onLayout, { passive: true });
  doc.addEventListener("mousemove", lookup.onMouseMove, { passive: true });
  win.addEventListener("mouseup", lookup.onMouseUp, true);
  doc.addEventListener("contextmenu", onContextMenu, true);
  win.addEventListener("mousedown", onPointerDown, true);
  win.addEventListener("popstate", onRoute);
  win.addEventListener("hashchange", onRoute);

  function stop(): void {
    if (!alive) return;
    alive = false;
    registry.disconnect();
    win.removeEventListener("focusin", onFocusIn, true);
    win.removeEventListener("focusin", onFocusForPanel, true);
    win.removeEventListener("focusout", onFocusOut, true);
    win.removeEventListener("input", onInput, true);
    win.removeEventListener("beforeinput", onBeforeInput, true);
    win.removeEventListener("change", onChange, true);
    win.removeEventListener("keydown", onKeyDown, true);
    win.removeEventListener("scroll", onScroll, true);
    win.removeEventListener("resize", onLayout);
    doc.removeEventListener("mousemove", lookup.onMouseMove);
    win.removeEventListener("mouseup", lookup.onMouseUp, true);
    doc.removeEventListener("contextmenu", onContextMenu, true);
    win.removeEventListener("mousedown", onPointerDown, true);
    win.removeEventListener("popstate", onRoute);
    win.removeEventListener("hashchange", onRoute);
    clearInterval(sweepTimer);
    overlay.host.remove();
  }

  p.onContentMessage((msg: ToContent) => {
    if (!alive) return undefined;
    switch (msg.type) {
      case "ping":
        return { url: doc.URL, stats: registry.stats, known: registry.known.size };
      case "openPalette": {
        // only the frame that holds focus (a parent whose focus is in a child frame declines)
        const active = doc.activeElement;
        if (!doc.hasFocus() || active instanceof HTMLIFrameElement || active instanceof HTMLFrameElement) return undefined;
        const t = deepActiveElement(doc);
        palette.open(isTextField(t) ? t : null);
        return undefined;
      }
      case "mapField": {
        const el = lastContext;
        if (!isTextField(el)) return undefined;
        const selector = selectorFor(el);
        const list = (settings.mappings[site] ?? []).filter((m) => m.selector !== selector);
        list.push({ selector, kind: msg.kind });
        void saveSettings(p, { mappings: { ...settings.mappings, [site]: list } });
        return undefined;
      }
      case "pageDiagnoses": {
        // for the popup's CC exclusions: the principal the form holds (the frame with diagnoses answers)
        const info = (f: Field) => registry.info(f);
        const { codes, fields } = diagnosesOf(registry.connectedKnown(), info);
        // and the discharge status (MS-DRG "died"), read now from the page, sent for this answer only
        const ds = dischargeStatus(doc);
        if (!codes.length && !ds) return undefined;
        const labelled = fields.some((f) => { const r = info(f).role; return r?.k === "dx" && !!r.principal && f.value.trim() !== ""; });
        return { codes, labelled, ...(ds ? { died: ds.died, disposition: ds.text } : {}) } satisfies PageDiagnoses;
      }
      case "insertCode": {
        const field = panelTarget(doc, panelField);
        if (!field) return undefined;
        return insertFromPanel(field, msg.code, (n) => note(field, n)).then((r) => {
          if (r.ok && r.inserted) onInserted(field, r.inserted);
          else checker.touch([field], 0);
          return r;
        });
      }
    }
  });

  p.onStorageChanged((changes) => {
    const c = changes[KEYS.settings];
    if (!c || !alive) return;
    const before = JSON.stringify(mappings());
    settings = { ...DEFAULT_SETTINGS, ...((c.newValue as Partial<Settings>) ?? {}) };
    if (JSON.stringify(mappings()) !== before) {
      for (const f of badges.fields()) badges.clear(f);
      const found = registry.reclassify();
      checker.touch(found.filter((f) => f.value.trim()), 0);
      const cur = deepActiveElement(doc);
      if (isTextField(cur)) {
        const k = registry.info(cur).kind;
        if (suggestsFor(k)) suggest.focus(cur, k!);
        else suggest.blur(cur);
      }
    } else {
      checker.touch(registry.connectedKnown().filter((f) => f.value.trim()), 0);
    }
  });

  registry.observe(doc);
  // a field may already have focus (content scripts run at document_idle)
  const active = deepActiveElement(doc);
  if (isTextField(active)) focusField(active);
}

/** One value is the other typed on (or the same): the new field carries on the old one's typing. */
function sameTyping(before: string, now: string): boolean {
  return now.startsWith(before) || before.startsWith(now);
}

/** The site mappings are kept under: about:blank and srcdoc frames use their creator's origin. */
function pageSite(win: Window): string {
  const o = win.origin;
  if (o && o !== "null") {
    try {
      return siteKey(new URL(o));
    } catch {
      /* fall through */
    }
  }
  return siteKey(win.location);
}
