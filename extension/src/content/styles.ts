// The overlay's own styles, inside its shadow root: page CSS cannot reach in
// (":host { all: initial }" stops inheritance) and ours cannot leak out.

export const OVERLAY_CSS = `
:host { all: initial !important; position: absolute !important; left: 0 !important; top: 0 !important;
  width: 0 !important; height: 0 !important; overflow: visible !important; z-index: 2147483647 !important;
  display: block !important; pointer-events: none !important; }
* { box-sizing: border-box; }
.layer { position: absolute; left: 0; top: 0; width: 0; height: 0; overflow: visible;
  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d2430; --accent: #1f6feb; --ok: #1a7f37; --warn: #9a6700; --err: #cf222e; --bg: #fff;
  --muted: #57606a; --line: #d0d7de; --hover: #eef4ff; }
.sr { position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
  clip: rect(0 0 0 0) !important; clip-path: inset(50%) !important; white-space: nowrap !important; }
code, .code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; }

.badge { z-index: 1; } .listbox, .pop, .card { z-index: 2; } .palette { z-index: 3; }
.listbox { position: absolute; pointer-events: auto; width: min(640px, calc(100vw - 16px)); max-height: min(420px, 70vh);
  overflow-y: auto; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; margin: 0; padding: 4px;
  list-style: none; box-shadow: 0 8px 24px rgba(31, 35, 40, .18); }
.listbox[hidden], .card[hidden], .pop[hidden], .palette[hidden] { display: none; }
.opt { display: grid; grid-template-columns: max-content minmax(0, 1fr) max-content max-content; gap: 8px; align-items: baseline; padding: 5px 8px;
  border-radius: 5px; cursor: pointer; }
.opt:hover { background: var(--hover); }
.opt[aria-selected="true"] { background: var(--accent); color: #fff; }
.opt[aria-selected="true"] .tag { color: #fff; border-color: rgba(255,255,255,.6); }
/* the code is never cut; the title wraps in full (coders choose between titles that differ at the end) */
.opt .code { font-weight: 600; white-space: nowrap; overflow: visible; }
.opt .title { white-space: normal; overflow-wrap: anywhere; }
.tag { font-size: 11px; padding: 0 5px; border: 1px solid var(--line); border-radius: 9px; color: var(--muted); white-space: nowrap; }
.tag.header { color: var(--warn); border-color: #d4a72c; }
.opt .why { grid-column: 2 / -1; font-size: 11px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.opt .why[hidden] { display: none; }
.opt[aria-selected="true"] .why { color: rgba(255,255,255,.85); }
.chips { display: inline-flex; gap: 3px; white-space: nowrap; }
.chips:empty { display: none; }
.chip { font-size: 10.5px; font-weight: 700; padding: 0 5px; border-radius: 9px; border: 1px solid; line-height: 16px; }
.chip.mcc { color: #8c1d18; border-color: #cf222e; background: #ffebe9; }
.chip.cc { color: #6b4b00; border-color: #d4a72c; background: #fff8c5; }
.chip.hcc { color: #0a3069; border-color: #54aeff; background: #ddf4ff; }
.sevsum { position: absolute; pointer-events: auto; z-index: 1; width: max-content; max-width: min(720px, calc(100vw - 16px)); background: var(--bg); border: 1px solid var(--line);
  border-left: 3px solid var(--accent); border-radius: 6px; padding: 3px 8px; font-size: 12px; box-shadow: 0 2px 8px rgba(31,35,40,.12); }
.sevsum[hidden] { display: none; }
.sevsum .meta { color: var(--muted); font-size: 11px; }
.sevsum .diedl { margin-left: 8px; color: var(--muted); font-size: 11px; white-space: nowrap; cursor: pointer; }
.sevsum .diedl input { margin: 0 2px 0 0; vertical-align: -2px; }
.sevsum .x { all: unset; cursor: pointer; margin-left: 6px; padding: 0 4px; color: var(--muted); font-size: 13px; }
.sevsum .x:focus-visible { outline: 2px solid var(--accent); }
.foot { padding: 4px 8px 2px; font-size: 11px; color: var(--muted); border-top: 1px solid var(--line); margin-top: 4px; }
.empty { padding: 6px 8px; color: var(--muted); }

.badge { position: absolute; pointer-events: auto; width: 16px; height: 16px; border-radius: 50%; border: 0; padding: 0;
  font: 700 11px/16px system-ui, sans-serif; text-align: center; color: #fff; cursor: pointer;
  box-shadow: 0 0 0 2px #fff; }
.badge.valid { background: var(--ok); width: 10px; height: 10px; font-size: 0; line-height: 0; opacity: .85; }
.badge.valid:hover { opacity: 1; }
.badge.warning { background: #d4a72c; color: #1d2430; }
.badge.error { background: var(--err); }
.badge:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }

.pop, .card { position: absolute; pointer-events: auto; max-width: 380px; min-width: 240px; background: var(--bg);
  border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; box-shadow: 0 8px 24px rgba(31, 35, 40, .18); }
.pop .issue { margin: 2px 0 6px; }
.note { position: absolute; pointer-events: none; z-index: 2; max-width: 360px; background: #fff8c5; color: #1d2430;
  border: 1px solid #d4a72c; border-radius: 6px; padding: 4px 8px; font-size: 12px; box-shadow: 0 4px 12px rgba(31,35,40,.15); }
.note[hidden] { display: none; }
.pop .rule { font-size: 11px; color: var(--muted); }
.sev { font-weight: 600; }
.sev.error { color: var(--err); } .sev.warning { color: var(--warn); } .sev.valid { color: var(--ok); }
button.fix, .palette button { font: inherit; font-size: 12px; border: 1px solid var(--accent); color: var(--accent);
  background: #fff; border-radius: 6px; padding: 2px 8px; cursor: pointer; }
button.fix:hover { background: var(--accent); color: #fff; }
.card .head { display: flex; gap: 8px; align-items: baseline; }
.card .code { font-weight: 700; font-size: 14px; }
.card .meta { color: var(--muted); font-size: 12px; margin-top: 4px; }

.palette { position: fixed; pointer-events: auto; top: 12vh; left: 50%; transform: translateX(-50%); width: min(560px, 92vw);
  background: var(--bg); border: 1px solid var(--line); border-radius: 10px; box-shadow: 0 16px 48px rgba(31,35,40,.28); padding: 10px; }
.palette input { all: unset; display: block; width: 100%; box-sizing: border-box; font: 15px/1.4 system-ui, sans-serif;
  padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; color: #1d2430; background: #fff; }
.palette input:focus { border-color: var(--accent); box-shadow: 0 0 0 3px rgba(31,111,235,.2); }
.palette .listbox { position: static; box-shadow: none; border: 0; width: auto; max-width: none; margin-top: 6px; }
.palette .hint { font-size: 11px; color: var(--muted); margin-top: 4px; }

@media (prefers-color-scheme: dark) {
  .layer { color: #e6edf3; --bg: #161b22; --muted: #8d96a0; --line: #30363d; --hover: #1f2a3a; }
  .palette input, button.fix, .palette button { background: #0d1117; color: #e6edf3; }
  .badge { box-shadow: 0 0 0 2px #0d1117; }
}
`;
