// CC / MCC / HCC chips of one suggestion: a small function a row calls with
// the hit's `severity` (it came with the search, no call of its own). Text,
// not colour only: the chip says "MCC", a screen reader hears "MCC under
// MS-DRG v44".

import type { HitSeverity } from "../shared/engine-api";
import { severityChips } from "../../../types/severity-chips";

/** Fills `box` with the chips of `sev` (empty: no chips). */
export function renderChips(box: HTMLElement, sev: HitSeverity | null | undefined): void {
  const doc = box.ownerDocument;
  const chips = severityChips(sev);
  // rows are reused per keystroke: leave the nodes alone when nothing changed
  const key = chips.map((c) => c.text).join(" ");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  if (!chips.length) {
    if (box.firstChild) box.replaceChildren();
    return;
  }
  box.replaceChildren(...chips.map((c) => {
    const el = doc.createElement("span");
    el.className = `chip ${c.kind}`;
    el.title = c.title;
    el.dataset.chip = c.text;
    const shown = doc.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = c.text;
    const said = doc.createElement("span");
    said.className = "sr";
    said.textContent = ` ${c.label}`;
    el.append(shown, said);
    return el;
  }));
}

/** The chips as words, for announcements ("MCC under MS-DRG v44, HCC 38 in CMS-HCC V28 2027"). */
export function chipWords(sev: HitSeverity | null | undefined): string {
  return severityChips(sev).map((c) => c.label).join(", ");
}
