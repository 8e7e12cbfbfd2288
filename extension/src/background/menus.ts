// Context menu on editable fields: "medcode: treat this field as ...".

import type { FieldKind } from "../shared/engine-api";
import { FIELD_LABELS } from "../shared/fields";
import type { BackgroundPlatform } from "../shared/platform";

const PARENT = "medcode-map";

export async function createMenus(p: BackgroundPlatform): Promise<void> {
  const items = [{ id: PARENT, title: "medcode: treat this field as" }];
  for (const [kind, label] of Object.entries(FIELD_LABELS)) {
    items.push({ id: `${PARENT}:${kind}`, title: label, parentId: PARENT } as { id: string; title: string; parentId: string });
  }
  items.push({ id: `${PARENT}:none`, title: "Not a code field (turn medcode off here)", parentId: PARENT } as { id: string; title: string; parentId: string });
  await p.setMenus(items);
}

export function onMenuClick(p: BackgroundPlatform, itemId: string, tabId: number | undefined, frameId: number | undefined): void {
  if (tabId === undefined || !itemId.startsWith(`${PARENT}:`)) return;
  const kind = itemId.slice(PARENT.length + 1) as FieldKind | "none";
  p.sendToTab(tabId, { type: "mapField", kind }, frameId).catch(() => undefined);
}
