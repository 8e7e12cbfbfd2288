// Content-script entry: wiring only. Injected by scripting.registerContentScripts
// on the sites the user enabled, in every frame (about:blank/srcdoc included).
import { start } from "./app";

const flag = globalThis as unknown as { __medcodeContent?: boolean };
if (!flag.__medcodeContent) {
  flag.__medcodeContent = true;
  void start(document).catch((e: unknown) => console.warn("medcode:", e));
}
