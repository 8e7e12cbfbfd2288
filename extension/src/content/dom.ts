// DOM helpers that work across open and closed shadow roots and iframes.

import { anyShadowRoot } from "../shared/platform";

export type Field = HTMLInputElement | HTMLTextAreaElement;

const TEXT_TYPES = new Set(["text", "search", "tel", "number", "date"]);

/** A text field medcode may look at (never passwords, e-mail, hidden or file inputs). */
export function isTextField(el: unknown): el is Field {
  if (el instanceof HTMLTextAreaElement) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  // el.type, not the attribute: an unknown type ("entry" all over OpenEMR) is a text field to the browser
  return TEXT_TYPES.has(el.type);
}

export function isWritable(el: Field): boolean {
  return !el.disabled && !el.readOnly;
}

/** The focused element, descending through open and closed shadow roots. */
export function deepActiveElement(doc: Document = document): Element | null {
  let el: Element | null = doc.activeElement;
  for (let i = 0; el && i < 32; i++) {
    const root = anyShadowRoot(el);
    const inner = root?.activeElement ?? null;
    if (!inner) break;
    el = inner;
  }
  return el;
}

/** The real target of an event: composedPath()[0], or inside a closed root the focused element. */
export function realTarget(e: Event): Element | null {
  const first = e.composedPath()[0];
  const el = first instanceof Element ? first : null;
  if (el && anyShadowRoot(el) && !el.shadowRoot) {
    // retargeted to the host of a closed root: look inside
    const inner = deepActiveElement(el.ownerDocument);
    if (inner && inner !== el) return inner;
  }
  return el;
}

let nativeValue: { input: (v: string) => void; textarea: (v: string) => void } | null = null;

/**
 * Sets a field's value the way typing does, so React/Angular/Vue controlled
 * inputs register it: the prototype's native setter (React overrides the
 * instance one), then input and change events.
 */
export function setFieldValue(el: Field, value: string, caret?: number): void {
  nativeValue ??= {
    input: Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!,
    textarea: Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!,
  };
  const setter = el instanceof HTMLTextAreaElement ? nativeValue.textarea : nativeValue.input;
  setter.call(el, value);
  el.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, inputType: "insertReplacementText", data: value }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
  if (caret !== undefined) {
    try {
      el.setSelectionRange(caret, caret);
    } catch {
      /* type=number/date have no selection */
    }
  }
}

/** The segment of a field's value the user is typing (fields may hold "E11.9, I10"). */
export function currentSegment(el: Field): { start: number; end: number; text: string } {
  const v = el.value;
  let caret = v.length;
  try {
    caret = el.selectionStart ?? v.length;
  } catch {
    /* no selection API */
  }
  const sep = /[,;\n]/;
  let s = caret, e = caret;
  while (s > 0 && !sep.test(v[s - 1]!)) s--;
  while (e < v.length && !sep.test(v[e]!)) e++;
  // keep whitespace around separators outside the segment
  while (s < e && /\s/.test(v[s]!)) s++;
  while (e > s && /\s/.test(v[e - 1]!)) e--;
  return { start: s, end: e, text: v.slice(s, e) };
}

/**
 * Text of an element, trimmed and capped (page strings are only ever read as text).
 * Reads at most TEXT_NODES text nodes and about 8 × max characters, not the whole
 * textContent: a label holding a megabyte, or one unclosed <label> wrapping a form of
 * 50,000 inputs, costs what a short one does (textContent of that label for each
 * of its inputs made classifying the page quadratic).
 */
export function textOf(el: Element | null | undefined, max = 120): string {
  if (!el) return "";
  const budget = max * 8 + 64;
  let raw = "";
  const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(), seen = 0; n && seen < TEXT_NODES && raw.length < budget; n = walker.nextNode(), seen++) {
    const data = (n as Text).data;
    raw += data.length > budget - raw.length ? data.slice(0, budget - raw.length) : data;
  }
  const t = raw.replace(/\s+/g, " ").trim();
  return t.length > max ? t.slice(0, max) : t;
}
const TEXT_NODES = 256;

/** A selector that finds `el` again in its root: #id, [name], or a short nth-of-type path. */
export function selectorFor(el: Element): string {
  const root = el.getRootNode() as Document | ShadowRoot;
  const esc = (s: string) => CSS.escape(s);
  if (el.id && root.querySelectorAll(`#${esc(el.id)}`).length === 1) return `#${esc(el.id)}`;
  const name = el.getAttribute("name");
  if (name) {
    const sel = `${el.localName}[name="${name.replace(/"/g, '\\"')}"]`;
    if (root.querySelectorAll(sel).length === 1) return sel;
  }
  const parts: string[] = [];
  let cur: Element | null = el;
  while (cur && parts.length < 6) {
    const parent: Element | null = cur.parentElement;
    const tag = cur.localName;
    if (!parent) {
      parts.unshift(tag);
      break;
    }
    const same = Array.from(parent.children).filter((c) => c.localName === tag);
    parts.unshift(same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(cur) + 1})` : tag);
    if (parent.id) {
      parts.unshift(`#${esc(parent.id)}`);
      break;
    }
    cur = parent;
  }
  return parts.join(" > ");
}
