// The ICD-10-PCS builder in the popup / side panel: the one builder the
// offline page uses (web-shared/pcs-builder.ts), its steps asked of the
// background engine, and a complete code inserted into the field that had
// focus on the page (ToContent "insertCode"; the content script's insert.ts
// leaves the field holding exactly that code or as it was).

import { PcsBuilder, type PcsBuilderStep, type PcsEngine } from "../../../web-shared/pcs-builder";
import type { UiPlatform } from "../shared/platform";
import type { InsertReply } from "../shared/protocol";

function isoToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export interface PcsPanel {
  open(): Promise<void>;
}

/**
 * Mounts the builder in `host`. `targetTab`: the tab to insert into (the
 * active tab when undefined); `say`: the status line.
 */
export function mountPcsBuilder(host: HTMLElement, p: UiPlatform, targetTab: number | undefined, say: (text: string) => void): PcsPanel {
  const engine: PcsEngine = {
    pcsNext: (prefix, date): Promise<PcsBuilderStep> => p.request({ type: "pcsNext", prefix, ...(date ? { date } : {}) }),
  };
  const builder = new PcsBuilder(host, async () => engine, (code) => void insert(code), isoToday());
  const result = document.createElement("p");
  result.className = "pcs-result";
  result.setAttribute("role", "status");
  host.append(result);

  async function insert(code: string): Promise<void> {
    const r = (await p.sendToPage({ type: "insertCode", code }, targetTab)) as InsertReply | undefined;
    let text: string;
    if (!r) text = `${code}: no field on the page had focus. Click the procedure field on the page, then choose the code again.`;
    else if (r.ok) text = `Inserted ${r.inserted ?? code} into ${r.field ?? "the field"}.`;
    else text = r.note ?? `${code} not inserted.`;
    result.textContent = text;
    result.dataset.state = r?.ok ? "ok" : "bad";
    say(text);
  }

  let started = false;
  return {
    async open() {
      if (!started) {
        started = true;
        await builder.go("");
      }
      builder.focus();
    },
  };
}
